import { ApiProperty } from '@nestjs/swagger';
import type { HostEvacuation, RangeHostView } from '@app/ranges';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

/** One range host (a worker's Docker engine) as its heartbeats show it. */
export class RangeHostDto {
  @ApiProperty({ example: 'host-a', description: "RANGE_HOST_NAME of its worker (INSTANCE_NAME when unset)" }) name!: string;
  @ApiProperty({ enum: ['up', 'down'], description: `down once its heartbeat is missedHeartbeats periods late (its ready ranges are then degraded)` })
  state!: string;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why it is down (e.g. no heartbeat since 2030-11-19T02:09:30.000Z)' }) stateReason!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '26.1.5', description: "Its Docker engine's version" }) engineVersion!: string | null;
  @ApiProperty({ example: 400, description: 'Containers it runs at once (HOST_CAPACITY_CONTAINERS of its worker)' }) capacityContainers!: number;
  @ApiProperty({ example: 32768, description: 'Memory (MB) its containers may add up to (HOST_CAPACITY_MEMORY_MB)' }) capacityMemoryMb!: number;
  @ApiProperty({ example: 24, description: 'Containers of its live ranges (one per range not yet rendered)' }) usedContainers!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Its live ranges by status', example: { ready: 4 } })
  ranges!: Record<string, number>;
  @ApiProperty({ example: 10000, description: 'Its heartbeat period (ms, RANGE_HOST_HEARTBEAT_MS of its worker)' }) heartbeatMs!: number;
  @ApiProperty({ example: 3, description: 'Heartbeats it may miss before it is down (RANGE_HOST_MISSED_HEARTBEATS)' }) missedHeartbeats!: number;
  @ApiInstantField({ example: '2030-11-19T02:10:00.000Z' }) lastHeartbeatAt!: string;
  lastHeartbeatAtJst!: string;
  @ApiInstantField({ example: '2030-11-19T00:05:00.000Z' }) stateChangedAt!: string;
  stateChangedAtJst!: string;
  @ApiInstantField({ example: '2030-11-19T00:05:00.000Z' }) registeredAt!: string;
  registeredAtJst!: string;

  static from(view: RangeHostView): RangeHostDto {
    return withJst(RangeHostDto, {
      ...view,
      lastHeartbeatAt: view.lastHeartbeatAt.toISOString(),
      stateChangedAt: view.stateChangedAt.toISOString(),
      registeredAt: view.registeredAt.toISOString(),
    });
  }
}

export class MovedRangeDto {
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ example: 'host-b', description: 'The up host it is provisioned on again' }) to!: string;
}

export class LeftRangeDto {
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ example: 'tearing_down' }) status!: string;
}

/** What an evacuation did. */
export class HostEvacuationDto {
  @ApiProperty({ example: 'host-a' }) host!: string;
  @ApiProperty({ type: [MovedRangeDto], description: 'Ranges moved: each is pending on its new host and provisioned again from its blueprint (same variables and addresses)' })
  moved!: MovedRangeDto[];
  @ApiProperty({ type: [LeftRangeDto], description: 'Ranges left on the down host (being torn down)' })
  left!: LeftRangeDto[];

  static from(e: HostEvacuation): HostEvacuationDto {
    return { host: e.host, moved: e.moved.map((m) => ({ ...m })), left: e.left.map((l) => ({ ...l })) };
  }
}
