import { domainOfSubject, type Principal } from '@fieldmesh/auth';
import { Inject, Injectable } from '@nestjs/common';
import { RegistryAuth } from '../auth/registry.auth';
import { RegistryService } from '../registry.service';
import { ReviewService } from './review.service';

/** The header that registers an unapproved schema in an emergency; its value is the reason, kept in the audit log. */
export const EMERGENCY_OVERRIDE_HEADER = 'x-fieldmesh-emergency-override';

/**
 * Registration in governed mode: a governed subject takes a new schema only when it is one of its
 * contract's approved versions (or under an emergency override by a principal allowed `schema:override`),
 * and each registration that changes the registry is audited. An override is audited before it registers
 * (an unaudited override must never exist, and a retry finds its audit event); an approved schema after,
 * since its approval is audited already. A schema the subject already holds answers its id as before, so
 * running producers keep starting; ungoverned subjects register as in open mode.
 */
@Injectable()
export class GovernedRegistration {
  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(ReviewService) private readonly review: ReviewService,
    @Inject(RegistryAuth) private readonly auth: RegistryAuth,
  ) {}

  async register(
    subject: string,
    body: unknown,
    principal: Principal,
    request: { authorization?: string | undefined; overrideReason?: string | undefined },
  ): Promise<{ id: number }> {
    const parsed = this.registry.parseBody(body);
    // Producers register their schema each time they start; one the subject holds already adds nothing to govern.
    const placement = await this.registry.placement(subject, parsed);
    if (placement.held) return { id: placement.id };
    const override =
      request.overrideReason === undefined
        ? undefined
        : {
            reason: request.overrideReason,
            authorize: () => this.auth.authorize(request.authorization, 'schema:override', { domain: domainOfSubject(subject), resource: subject }),
          };
    const admission = await this.review.admitRegistration(subject, parsed.canonical, override);
    if (admission?.override) {
      // The override's key names the version read above, before any audit: a retry racing its first attempt reads the same one.
      await this.review.auditOverride({ ...admission, override: admission.override }, principal, placement.version);
      return { id: (await this.registry.registerSchema(subject, parsed)).id };
    }
    const registered = await this.registry.registerSchema(subject, parsed);
    if (admission) await this.review.recordRegistration(admission, principal, registered);
    return { id: registered.id };
  }
}
