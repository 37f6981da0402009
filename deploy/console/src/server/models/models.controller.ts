import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelsInUse } from '../../api/types';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({
    summary: 'Model versions in use per asset class',
    description: 'Returns `ModelsInUse`: champion and shadow per asset class with card facts, and alerts opened per version.',
  })
  inUse(): ModelsInUse {
    return this.models.inUse();
  }
}
