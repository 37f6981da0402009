import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WatermarkStore } from './watermark.store';

describe('watermark store', () => {
  it('keeps the newest acked creationTime per container across instances and never moves back', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'onem2m-wm-')), 'state');
    const store = new WatermarkStore(dir);
    expect(store.get('press-7/temperature')).toBeUndefined();
    store.advance([
      { container: 'press-7/temperature', ct: '20261207T142545,000002' },
      { container: 'press-7/temperature', ct: '20261207T142545,000001' },
      { container: 'press-7/pressure', ct: undefined },
    ]);
    const reopened = new WatermarkStore(dir);
    expect(reopened.get('press-7/temperature')).toBe('20261207T142545,000002');
    expect(reopened.get('press-7/pressure')).toBeUndefined();
  });
});
