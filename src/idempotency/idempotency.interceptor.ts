import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '../openapi/doc-decorators.js';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { requestSession } from '../common/session-name.js';
import { answerBody, IDEMPOTENCY_HEADER, IdempotencyService, REPLAYED_HEADER } from './idempotency.service.js';

const IDEMPOTENT_ROUTE = 'idempotency:route';

/**
 * Makes a route honour `Idempotency-Key` (the route name scopes the keys). It only marks the
 * route: IdempotencyInterceptor, registered app-wide by IdempotencyModule, does the work.
 */
export function Idempotent(route: string): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_ROUTE, route),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        '1 to 255 visible ASCII characters. A repeat with the same key and body within WHATSAPP_IDEMPOTENCY_TTL_HOURS gets ' +
        'the first answer again with `Idempotency-Replayed: true`; another body → 422 `idempotency_mismatch`; ' +
        'a repeat while the first runs → 409 `idempotency_in_progress`.',
    }),
  );
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<string | undefined>(IDEMPOTENT_ROUTE, context.getHandler());
    if (!route || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const key = this.idempotency.parseKey(request.headers[IDEMPOTENCY_HEADER.toLowerCase()]);
    if (key === undefined) return next.handle();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
    const session = requestSession(request);
    const run = async () => {
      const outcome = await this.idempotency.execute({ route, session, key, body: request.body }, async () => ({
        status,
        body: await lastValueFrom(next.handle()),
      }));
      if (outcome.replayed) context.switchToHttp().getResponse<Response>().setHeader(REPLAYED_HEADER, 'true');
      return answerBody(outcome.answer);
    };
    return from(run());
  }
}
