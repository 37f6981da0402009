import type { Principal } from '@fieldmesh/auth';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal as PrincipalView } from '../../api/types';
import { Caller } from './console.auth';

@ApiTags('auth')
@ApiBearerAuth()
@Controller()
export class WhoamiController {
  @Get('whoami')
  @ApiOperation({ summary: 'The principal behind the bearer token', description: 'Returns `Principal` `{ tokenId, name, role, domains }`; 401 without a valid token.' })
  whoami(@Caller() principal: Principal): PrincipalView {
    return { tokenId: principal.tokenId, name: principal.name, role: principal.role, domains: [...principal.domains] };
  }
}
