import type { Principal } from '@fieldmesh/auth';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, RequiresAction } from '../auth/auth.decorators';
import { RegistryAuth } from '../auth/registry.auth';
import { ReviewService } from './review.service';
import type { ContractAuditEvent, ContractDetail, ContractSummary, Proposal } from './review.types';

/**
 * The contract lifecycle API under /contracts. Reads are anonymous like the registry's; each write needs
 * the action of @fieldmesh/auth's matrix, for the contract's domain where the action is domain-scoped:
 * the guard checks the routes whose domain is in the request; deprecate and retire check in the handler,
 * as their domain is the stored contract's.
 */
@Controller('contracts')
export class ContractsController {
  constructor(
    @Inject(ReviewService) private readonly service: ReviewService,
    @Inject(RegistryAuth) private readonly auth: RegistryAuth,
  ) {}

  @Get()
  list(): ContractSummary[] {
    return this.service.listContracts();
  }

  @Get('audit')
  audit(@Query('contractId') contractId?: string): ContractAuditEvent[] {
    return this.service.audit(contractId);
  }

  @Get('proposals')
  proposals(@Query('status') status?: string): Promise<Proposal[]> {
    return this.service.listProposals(status);
  }

  @Get('proposals/:proposalId')
  proposal(@Param('proposalId') proposalId: string): Promise<Proposal> {
    return this.service.getProposal(proposalId);
  }

  @Get(':contractId')
  contract(@Param('contractId') contractId: string): ContractDetail {
    return this.service.getContract(contractId);
  }

  @HttpCode(200)
  @Post('baseline')
  @RequiresAction('contract:review')
  baseline(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ContractSummary> {
    return this.service.baseline(body, principal);
  }

  @HttpCode(200)
  @Post('proposals')
  @RequiresAction('contract:propose', { domainFrom: 'contract' })
  propose(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<Proposal> {
    return this.service.propose(body, principal);
  }

  @HttpCode(200)
  @Post('proposals/:proposalId/approve')
  @RequiresAction('contract:review')
  approve(@Param('proposalId') proposalId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<Proposal> {
    return this.service.approve(proposalId, body, principal);
  }

  @HttpCode(200)
  @Post('proposals/:proposalId/reject')
  @RequiresAction('contract:review')
  reject(@Param('proposalId') proposalId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<Proposal> {
    return this.service.reject(proposalId, body, principal);
  }

  @HttpCode(200)
  @Post(':contractId/versions/:version/deprecate')
  deprecate(
    @Param('contractId') contractId: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<ContractSummary> {
    return this.service.deprecate(contractId, version, body, this.deprecator(contractId, authorization));
  }

  @HttpCode(200)
  @Post(':contractId/versions/:version/retire')
  retire(
    @Param('contractId') contractId: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<ContractSummary> {
    return this.service.retire(contractId, version, body, this.deprecator(contractId, authorization));
  }

  /** The caller of deprecate or retire, allowed 'contract:deprecate' for the stored contract's domain. */
  private deprecator(contractId: string, authorization: string | undefined): Principal {
    const domain = this.service.domainOfContract(contractId);
    return this.auth.authorize(authorization, 'contract:deprecate', { domain, resource: `contract ${contractId}` })!;
  }
}
