import { BaseRpcContext } from '@nestjs/microservices';

type KafkaStreamContextArgs = [topic: string, partition: number, group: string];

/** What a handler may ask about the chunk it is given (`@Ctx() ctx: KafkaStreamContext`). */
export class KafkaStreamContext extends BaseRpcContext<KafkaStreamContextArgs> {
  getTopic(): string {
    return this.args[0];
  }

  getPartition(): number {
    return this.args[1];
  }

  /** The consumer group (without the deployment's KAFKA_GROUP_PREFIX). */
  getGroup(): string {
    return this.args[2];
  }
}
