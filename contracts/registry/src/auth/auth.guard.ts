/**
 * Usage (registry.app.ts and controllers):
 *
 *   const auth = config.governance ? await RegistryAuth.governed(config.governance.tokensFile) : RegistryAuth.open();
 *   providers: [{ provide: RegistryAuth, useValue: auth }, { provide: APP_GUARD, useClass: RegistryAuthGuard }]
 *
 *   @Post(':subject/versions') @RequiresAction('schema:register', { domainFrom: 'subject' })
 *   register(@Param('subject') subject: string, @CurrentPrincipal() principal: Principal | undefined) {}
 *
 *   @Post('proposals') @RequiresAction('contract:propose', { domainFrom: 'contract' })   // body.contract.domain
 *   @Post('proposals/:proposalId/approve') @RequiresAction('contract:review')
 *
 * Routes without @RequiresAction stay anonymous (plain Confluent clients keep reading). Checks that need the
 * registry's state or more of the request call `auth.authorize(request.headers.authorization, action, target)`
 * in the handler, e.g. 'schema:override' when the emergency-override header is present, or the domain of a
 * stored contract for deprecate/retire. Failures are RegistryErrors (401/40101, 403/40301) for the error filter.
 */
import { domainOfSubject } from '@fieldmesh/auth';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type ActionRequirement, type AuthRequest, type DomainSource, PRINCIPAL, REQUIRED_ACTION } from './auth.decorators';
import { RegistryAuth } from './registry.auth';

@Injectable()
export class RegistryAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RegistryAuth) private readonly auth: RegistryAuth,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const requirement = this.reflector.getAllAndOverride<ActionRequirement | undefined>(REQUIRED_ACTION, [context.getHandler(), context.getClass()]);
    if (!requirement || !this.auth.isGoverned) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const target = targetOf(requirement.domainFrom, request);
    request[PRINCIPAL] = this.auth.authorize(headerValue(request.headers.authorization), requirement.action, {
      ...target,
      resource: target.resource ?? target.domain ?? request.path,
    });
    return true;
  }
}

function targetOf(source: DomainSource | undefined, request: AuthRequest) {
  if (source === undefined) return {};
  if (typeof source === 'function') return source(request);
  if (source === 'subject') {
    const subject = request.params?.subject;
    return subject === undefined ? {} : { domain: domainOfSubject(subject), resource: subject };
  }
  const contract = (request.body as { contract?: { id?: unknown; domain?: unknown } } | undefined)?.contract;
  const domain = typeof contract?.domain === 'string' ? contract.domain : undefined;
  const id = typeof contract?.id === 'string' ? contract.id : undefined;
  return { domain, resource: id ?? domain };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
