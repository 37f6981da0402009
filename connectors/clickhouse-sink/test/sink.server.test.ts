import { inject } from 'vitest';
import { analystScenarios } from './shared/analyst.scenarios';
import { sinkScenarios } from './shared/sink.scenarios';

sinkScenarios({
  name: 'server',
  clickhouse: (database) => ({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database }),
});

analystScenarios('the server', (database) => ({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database }));
