import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiTextResponse, TEXT_EXAMPLES } from '../openapi/decorators.js';
import { CurrentPrincipal, type Principal, RequiresRole, Role } from '@app/access';
import { SessionDayNotFoundError, TraineeStream } from '@app/session-day';
import { map, type Observable } from 'rxjs';
import { eventWithJst } from '../common/jst-fields.js';

/** The trainee's live stream: their own team only (from the credential, never from the request). */
@ApiTags('trainee')
@Controller('trainee')
export class TraineeStreamController {
  constructor(private readonly stream: TraineeStream) {}

  @ApiOperation({ summary: 'Watch my team live (Server-Sent Events)' })
  @Sse('stream')
  @RequiresRole(Role.Trainee)
  @ApiProduces('text/event-stream')
  @ApiTextResponse('text/event-stream', "Server-Sent Events of the caller's team: clock, messages, objectives met, attack steps by title", TEXT_EXAMPLES.traineeStream)
  @ApiNotFoundResponse({ description: 'The credential names no team' })
  async events(@CurrentPrincipal() principal: Principal): Promise<Observable<MessageEvent>> {
    if (!principal.sessionId || !principal.teamId) throw new SessionDayNotFoundError('no team stream for this credential');
    const events = await this.stream.stream({ sessionId: principal.sessionId, teamId: principal.teamId });
    return events.pipe(map((event) => ({ type: event.type, data: eventWithJst(event) })));
  }
}
