import { inject } from 'vitest';
import { analystScenarios } from './shared/analyst.scenarios';
import { enumWideningScenario } from './shared/enum-widening.scenario';
import { rebalanceScenarios } from './shared/rebalance.scenario';
import { sinkScenarios } from './shared/sink.scenarios';
import { startAnswerDroppingProxy } from './support/answer-dropping.proxy';

const server = (database: string) => ({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database });

sinkScenarios({ name: 'server', clickhouse: server });

rebalanceScenarios({
  name: 'server',
  clickhouse: server,
  async lossy(database) {
    const proxy = await startAnswerDroppingProxy(inject('clickhouseUrl'));
    return { clickhouse: { ...server(database), url: proxy.url }, proxy };
  },
});

analystScenarios('the server', server);

enumWideningScenario('the server', server);
