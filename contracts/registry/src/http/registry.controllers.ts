import type { Principal } from '@fieldmesh/auth';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Optional, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { HttpResponse } from './http.types';
import { CurrentPrincipal, RequiresAction } from '../auth/auth.decorators';
import { RegistryService } from '../registry.service';
import { EMERGENCY_OVERRIDE_HEADER, GovernedRegistration } from '../review/governed-registration';

const flag = (value: string | undefined) => value === 'true';

/** GET / answers {} as Confluent's root resource does; load balancers and clients use it as a ping. */
@Controller()
export class RootController {
  @Get()
  root(): Record<string, never> {
    return {};
  }
}

// Reads stay anonymous so plain Confluent clients keep working; writes name the action they need (checked
// only when the registry runs governed, see RegistryAuthGuard).
@Controller('subjects')
export class SubjectsController {
  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    /** Present in governed mode only. */
    @Optional() @Inject(GovernedRegistration) private readonly governed?: GovernedRegistration,
  ) {}

  @Get()
  list(@Query('deleted') deleted?: string): string[] {
    return this.registry.listSubjects(flag(deleted));
  }

  @Get(':subject/versions')
  versions(@Param('subject') subject: string, @Query('deleted') deleted?: string): number[] {
    return this.registry.listVersions(subject, flag(deleted));
  }

  @Get(':subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string, @Query('deleted') deleted?: string) {
    return this.registry.getVersion(subject, version, flag(deleted));
  }

  /** The schema itself, not wrapped in a string (so a primitive schema answers e.g. "string"). */
  @Get(':subject/versions/:version/schema')
  rawSchema(@Param('subject') subject: string, @Param('version') version: string, @Query('deleted') deleted: string | undefined, @Res() response: HttpResponse): void {
    response.send(this.registry.getVersion(subject, version, flag(deleted)).schema);
  }

  @Get(':subject/versions/:version/referencedby')
  referencedBy(@Param('subject') subject: string, @Param('version') version: string): number[] {
    return this.registry.referencedBy(subject, version);
  }

  // Confluent answers every successful POST with 200, not 201.
  @HttpCode(200)
  @Post(':subject/versions')
  @RequiresAction('schema:register', { domainFrom: 'subject' })
  register(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization?: string,
    @Headers(EMERGENCY_OVERRIDE_HEADER) overrideReason?: string,
  ) {
    if (!this.governed) return this.registry.register(subject, body);
    // Governed mode always has a principal here: the guard verified the token before the handler runs.
    return this.governed.register(subject, body, principal!, { authorization, overrideReason });
  }

  @HttpCode(200)
  @Post(':subject')
  lookup(@Param('subject') subject: string, @Body() body: unknown, @Query('deleted') deleted?: string) {
    return this.registry.lookup(subject, body, flag(deleted));
  }

  @Delete(':subject')
  @RequiresAction('schema:delete', { domainFrom: 'subject' })
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string) {
    return this.registry.deleteSubject(subject, flag(permanent));
  }

  @Delete(':subject/versions/:version')
  @RequiresAction('schema:delete', { domainFrom: 'subject' })
  deleteVersion(@Param('subject') subject: string, @Param('version') version: string, @Query('permanent') permanent?: string) {
    return this.registry.deleteVersion(subject, version, flag(permanent));
  }
}

@Controller('schemas')
export class SchemasController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  /** Only Avro is served; JSON Schema and Protobuf registrations answer 42201. */
  @Get('types')
  types(): string[] {
    return ['AVRO'];
  }

  // `subject` only selects a schema context in Confluent; this registry has the default context only.
  @Get('ids/:id')
  byId(@Param('id') id: string) {
    return this.registry.getSchemaById(id);
  }

  @Get('ids/:id/schema')
  rawById(@Param('id') id: string, @Res() response: HttpResponse): void {
    response.send(this.registry.getSchemaById(id).schema);
  }

  @Get('ids/:id/versions')
  versionsById(@Param('id') id: string, @Query('deleted') deleted?: string) {
    return this.registry.getSubjectVersionsById(id, flag(deleted));
  }
}

@Controller('compatibility/subjects')
export class CompatibilityController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @HttpCode(200)
  @Post(':subject/versions/:version')
  againstVersion(@Param('subject') subject: string, @Param('version') version: string, @Body() body: unknown, @Query('verbose') verbose?: string) {
    return this.registry.testCompatibility(subject, version, body, flag(verbose));
  }

  @HttpCode(200)
  @Post(':subject/versions')
  againstSubject(@Param('subject') subject: string, @Body() body: unknown, @Query('verbose') verbose?: string) {
    return this.registry.testCompatibility(subject, undefined, body, flag(verbose));
  }
}

@Controller('config')
export class ConfigController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @Get()
  global() {
    return this.registry.getGlobalLevel();
  }

  @Put()
  @RequiresAction('config:write')
  setGlobal(@Body() body: unknown) {
    return this.registry.setLevel(null, body);
  }

  @Delete()
  @RequiresAction('config:write')
  deleteGlobal() {
    return this.registry.deleteLevel(null);
  }

  @Get(':subject')
  subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string) {
    return this.registry.getSubjectLevel(subject, flag(defaultToGlobal));
  }

  @Put(':subject')
  @RequiresAction('config:write', { domainFrom: 'subject' })
  setSubject(@Param('subject') subject: string, @Body() body: unknown) {
    return this.registry.setLevel(subject, body);
  }

  @Delete(':subject')
  @RequiresAction('config:write', { domainFrom: 'subject' })
  deleteSubject(@Param('subject') subject: string) {
    return this.registry.deleteLevel(subject);
  }
}
