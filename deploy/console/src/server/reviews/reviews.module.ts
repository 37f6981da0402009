import { type DynamicModule, Module } from '@nestjs/common';
import { ReviewsController } from './reviews.controller';
import { ReviewsService } from './reviews.service';

@Module({})
export class ReviewsModule {
  static with(reviews: ReviewsService): DynamicModule {
    return { module: ReviewsModule, controllers: [ReviewsController], providers: [{ provide: ReviewsService, useValue: reviews }] };
  }
}
