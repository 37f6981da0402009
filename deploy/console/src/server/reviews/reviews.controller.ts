import type { Principal } from '@fieldmesh/auth';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Page, ProposalSummary, ProposalView } from '../../api/types';
import { Authorization, Caller, requireAction } from '../auth/console.auth';
import { pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { ReviewsService } from './reviews.service';

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('reviews')
export class ReviewsController {
  constructor(@Inject(ReviewsService) private readonly reviews: ReviewsService) {}

  @Get()
  @ApiOperation({
    summary: 'Contract proposals, paged',
    description:
      "Returns `Page<ProposalSummary>` (newest first) from the registry's `GET /contracts/proposals`, called with the caller's token. `search` matches contract id, version, proposer and changelog.",
  })
  @PAGE_QUERIES
  @ApiQuery({ name: 'status', required: false, enum: ['proposed', 'approved', 'rejected'] })
  list(
    @Authorization() authorization: string | undefined,
    @Query('status') status?: string,
    @Query('search') search?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ): Promise<Page<ProposalSummary>> {
    return this.reviews.list(authorization, status, pageRequest({ search, page, pageSize }));
  }

  @Get(':proposalId')
  @ApiOperation({
    summary: 'One proposal with its analysis',
    description: 'Returns `ProposalView`: contract, schema and the analysis (field diff, verdict per compatibility mode, privacy, retention, SLO, downstream impact, changelog).',
  })
  @ApiParam({ name: 'proposalId' })
  get(@Param('proposalId') proposalId: string, @Authorization() authorization: string | undefined): Promise<ProposalView> {
    return this.reviews.get(proposalId, authorization);
  }

  @Post(':proposalId/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approves a proposal (contract:review, governance lead)',
    description: "Forwarded to the registry's `POST /contracts/proposals/{id}/approve` with the caller's token; returns the updated `ProposalView`.",
  })
  @ApiParam({ name: 'proposalId' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { comment: { type: 'string' } } } })
  approve(
    @Param('proposalId') proposalId: string,
    @Body() body: unknown,
    @Caller() principal: Principal,
    @Authorization() authorization: string | undefined,
  ): Promise<ProposalView> {
    requireAction(principal, 'contract:review', `proposal ${proposalId}`);
    return this.reviews.decide(proposalId, 'approve', body, authorization);
  }

  @Post(':proposalId/reject')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rejects a proposal with a comment (contract:review, governance lead)',
    description: "Forwarded to the registry's `POST /contracts/proposals/{id}/reject`; the comment is required (422 without). Returns the updated `ProposalView`.",
  })
  @ApiParam({ name: 'proposalId' })
  @ApiBody({ schema: { type: 'object', required: ['comment'], properties: { comment: { type: 'string' } } } })
  reject(
    @Param('proposalId') proposalId: string,
    @Body() body: unknown,
    @Caller() principal: Principal,
    @Authorization() authorization: string | undefined,
  ): Promise<ProposalView> {
    requireAction(principal, 'contract:review', `proposal ${proposalId}`);
    return this.reviews.decide(proposalId, 'reject', body, authorization);
  }
}
