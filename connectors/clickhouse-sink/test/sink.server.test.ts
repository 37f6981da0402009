import { inject } from 'vitest';
import { sinkScenarios } from './shared/sink.scenarios';

sinkScenarios({
  name: 'server',
  clickhouse: (database) => ({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database }),
});
