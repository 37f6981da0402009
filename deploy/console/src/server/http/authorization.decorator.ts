import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The caller's Authorization header, to forward to the registry so it judges the caller itself. */
export const Authorization = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers.authorization;
  return Array.isArray(header) ? header[0] : header;
});
