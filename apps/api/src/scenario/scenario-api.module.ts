import { Module } from '@nestjs/common';
import { ScenarioModule } from '@app/scenario';
import { ScenarioController } from './scenario.controller.js';

@Module({ imports: [ScenarioModule], controllers: [ScenarioController] })
export class ScenarioApiModule {}
