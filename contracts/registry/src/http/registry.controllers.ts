import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { HttpResponse } from './http.types';
import { RegistryService } from '../registry.service';

const flag = (value: string | undefined) => value === 'true';

/** GET / answers {} as Confluent's root resource does; load balancers and clients use it as a ping. */
@Controller()
export class RootController {
  @Get()
  root(): Record<string, never> {
    return {};
  }
}

@Controller('subjects')
export class SubjectsController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

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
  rawSchema(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('deleted') deleted: string | undefined,
    @Res() response: HttpResponse,
  ): void {
    response.send(this.registry.getVersion(subject, version, flag(deleted)).schema);
  }

  @Get(':subject/versions/:version/referencedby')
  referencedBy(@Param('subject') subject: string, @Param('version') version: string): number[] {
    return this.registry.referencedBy(subject, version);
  }

  // Confluent answers every successful POST with 200, not 201.
  @HttpCode(200)
  @Post(':subject/versions')
  register(@Param('subject') subject: string, @Body() body: unknown) {
    return this.registry.register(subject, body);
  }

  @HttpCode(200)
  @Post(':subject')
  lookup(@Param('subject') subject: string, @Body() body: unknown, @Query('deleted') deleted?: string) {
    return this.registry.lookup(subject, body, flag(deleted));
  }

  @Delete(':subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string) {
    return this.registry.deleteSubject(subject, flag(permanent));
  }

  @Delete(':subject/versions/:version')
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
  setGlobal(@Body() body: unknown) {
    return this.registry.setLevel(null, body);
  }

  @Delete()
  deleteGlobal() {
    return this.registry.deleteLevel(null);
  }

  @Get(':subject')
  subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string) {
    return this.registry.getSubjectLevel(subject, flag(defaultToGlobal));
  }

  @Put(':subject')
  setSubject(@Param('subject') subject: string, @Body() body: unknown) {
    return this.registry.setLevel(subject, body);
  }

  @Delete(':subject')
  deleteSubject(@Param('subject') subject: string) {
    return this.registry.deleteLevel(subject);
  }
}
