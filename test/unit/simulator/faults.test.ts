import { describe, expect, it } from 'vitest';
import { FaultTable } from '../../../dev/simulator/faults.js';

describe('FaultTable', () => {
  it('applies a room fault only to that room', () => {
    // Prepare
    const table = new FaultTable();
    table.set('room-a', { kind: 'reset' });

    // Act & Assess
    expect(table.take('room-b')).toBeUndefined();
    expect(table.take(undefined)).toBeUndefined();
    expect(table.take('room-a')).toEqual({ kind: 'reset' });
    expect(table.take('room-a')).toEqual({ kind: 'reset' });
  });

  it('prefers a room fault over the fault for all rooms', () => {
    // Prepare
    const table = new FaultTable();
    table.set('*', { kind: 'html' });
    table.set('room-a', { kind: 'empty-data' });

    // Act & Assess
    expect(table.take('room-a')?.kind).toBe('empty-data');
    expect(table.take('room-b')?.kind).toBe('html');
    expect(table.take(undefined)?.kind).toBe('html');
  });

  it('clears a fault after its times', () => {
    // Prepare
    const table = new FaultTable();
    table.set('room-a', { kind: 'status', status: 503, times: 2 });
    table.set('*', { kind: 'not-json' });

    // Act
    const kinds = [1, 2, 3].map(() => table.take('room-a')?.kind);

    // Assess
    expect(kinds).toEqual(['status', 'status', 'not-json']);
  });

  it('clears one fault with undefined and all with clear', () => {
    // Prepare
    const table = new FaultTable();
    table.set('room-a', { kind: 'reset' });
    table.set('room-b', { kind: 'reset' });
    table.set('*', { kind: 'html' });

    // Act
    table.set('room-a', undefined);
    const afterOne = [table.take('room-a')?.kind, table.take('room-b')?.kind];
    table.clear();
    const afterAll = [table.take('room-a'), table.take('room-b')];

    // Assess
    expect(afterOne).toEqual(['html', 'reset']);
    expect(afterAll).toEqual([undefined, undefined]);
  });
});
