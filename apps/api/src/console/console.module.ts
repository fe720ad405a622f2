import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';

/** The trainee and instructor consoles (static pages of web/console, built into dist/console). */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
