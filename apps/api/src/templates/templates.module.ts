import { Module } from '@nestjs/common';
import { TemplatesModule as TemplatesLibModule } from '@app/templates';
import { TemplatesController } from './templates.controller.js';

@Module({ imports: [TemplatesLibModule], controllers: [TemplatesController] })
export class TemplatesApiModule {}
