import { Module } from '@nestjs/common';
import { ScoringModule } from '@app/scoring';
import { InstructorController } from './instructor.controller.js';
import { TraineeController } from './trainee.controller.js';

@Module({ imports: [ScoringModule], controllers: [TraineeController, InstructorController] })
export class ScoringApiModule {}
