import { awaitTopicsListed } from '@fieldmesh/governance';
import { type KafkaPort, TopicFollower } from '@fieldmesh/kafka';
import { ensureLineageTopic, LineageGraph } from '@fieldmesh/lineage';

/**
 * The lineage graph of `_fieldmesh.lineage`, kept live: run events are collected as jobs emit them and the
 * graph is rebuilt (by @fieldmesh/lineage's LineageGraph, the one the CLI and the registry use) only when
 * asked after something new arrived. Same parsing as readLineageGraph, but without re-reading the topic.
 */
export class LineageBoard {
  private readonly follower: TopicFollower;
  private readonly events: unknown[] = [];
  private graph: LineageGraph | undefined;

  constructor(
    kafka: KafkaPort,
    readonly topic: string,
  ) {
    this.follower = new TopicFollower(
      kafka,
      {
        topic,
        groupPrefix: 'fieldmesh-console-lineage',
        ensureTopic: async (admin, name) => {
          await ensureLineageTopic(admin, name);
          await awaitTopicsListed(admin, [name]);
        },
      },
      (record) => {
        if (!record.value) return; // a tombstone adds nothing
        const text = record.value.toString('utf8');
        try {
          this.events.push(JSON.parse(text));
        } catch {
          this.events.push(text); // counted as skipped by the graph
        }
        this.graph = undefined;
      },
    );
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  get caughtUp(): Promise<void> {
    return this.follower.caughtUp;
  }

  current(): LineageGraph {
    return (this.graph ??= LineageGraph.fromEvents(this.events));
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
