import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** The query parameters every list endpoint takes. */
export const PAGE_QUERIES = applyDecorators(
  ApiQuery({ name: 'search', required: false, description: 'Search terms; an item matches when it contains every term (case-insensitive)' }),
  ApiQuery({ name: 'page', required: false, description: 'Page number from 1 (default 1)' }),
  ApiQuery({ name: 'pageSize', required: false, description: 'Items per page, 1..200 (default 25)' }),
);
