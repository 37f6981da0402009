import { type DynamicModule, Module } from '@nestjs/common';
import { LineageBoard } from './lineage.board';
import { LineageController, OWN_NAMESPACES } from './lineage.controller';

@Module({})
export class LineageModule {
  static with(board: LineageBoard, ownNamespaces: string[]): DynamicModule {
    return {
      module: LineageModule,
      controllers: [LineageController],
      providers: [
        { provide: LineageBoard, useValue: board },
        { provide: OWN_NAMESPACES, useValue: ownNamespaces },
      ],
    };
  }
}
