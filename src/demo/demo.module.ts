import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';

/** The demo page at `/`: sign in, reminders, the inbox, live pushes through the client SDK. */
@Module({ controllers: [DemoController] })
export class DemoModule {}
