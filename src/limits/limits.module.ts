import { Module } from '@nestjs/common';
import { SendLimits } from './send-limits.js';

@Module({ providers: [SendLimits], exports: [SendLimits] })
export class LimitsModule {}
