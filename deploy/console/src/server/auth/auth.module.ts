import type { TokenStore } from '@fieldmesh/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TOKEN_STORE, TokenGuard } from './console.auth';
import { WhoamiController } from './whoami.controller';

/** Tokens for every API route (a global guard) and `GET /api/whoami`. */
@Module({})
export class AuthModule {
  static with(store: TokenStore): DynamicModule {
    return {
      module: AuthModule,
      controllers: [WhoamiController],
      providers: [
        { provide: TOKEN_STORE, useValue: store },
        { provide: APP_GUARD, useClass: TokenGuard },
      ],
    };
  }
}
