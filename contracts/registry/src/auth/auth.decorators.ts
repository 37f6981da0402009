import type { Action, AuthorizeTarget, Principal } from '@fieldmesh/auth';
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

/** The parts of an Express request the access check reads. */
export interface AuthRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  body?: unknown;
  /** Set by the guard on a protected route; undefined in open mode. */
  [PRINCIPAL]?: Principal | undefined;
}

/** Where a route's domain comes from, for domain-scoped permissions (see `can` in @fieldmesh/auth). */
export type DomainSource =
  /** the `:subject` route parameter (`<topic>-value` → the topic's domain); the 403 names the subject */
  | 'subject'
  /** `contract.domain` of the JSON body (proposals, baselines); the 403 names `contract.id` */
  | 'contract'
  /** anything else: read it from the request */
  | ((request: AuthRequest) => AuthorizeTarget);

export interface ActionRequirement {
  action: Action;
  domainFrom?: DomainSource;
}

export const REQUIRED_ACTION = 'fieldmesh:required-action';
export const PRINCIPAL: unique symbol = Symbol('fieldmesh:principal');

/** Marks a route (or every route of a controller) as protected by `action`; routes without it stay anonymous. */
export const RequiresAction = (action: Action, options: { domainFrom?: DomainSource } = {}) => SetMetadata(REQUIRED_ACTION, { action, ...options } satisfies ActionRequirement);

/** The principal the guard verified for this request; `undefined` when the registry runs open. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => context.switchToHttp().getRequest<AuthRequest>()[PRINCIPAL],
);
