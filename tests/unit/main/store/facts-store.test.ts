import { describe, expect, it } from 'vitest';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { openFactsDatabase } from '../../../../main/store/facts-database.js';

describe('FactsStore', () => {
  const db = openFactsDatabase(':memory:');
  const store = new FactsStore(db);
  const facts = { doses: [{ dose: 1, date: '2021-09-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [] };
  store.upsertMany([
    { id12: '001089000001', oldId: '012345678', facts },
    { id12: '079195004321', bhxh: '7912345678', facts },
  ]);

  it('finds people by 12-digit ID, keeping leading zeros', () => {
    expect(store.findById12('001089000001')).toEqual({ id12: '001089000001', oldId: '012345678', facts });
    expect(store.findById12('079195004321')).toEqual({ id12: '079195004321', bhxh: '7912345678', facts });
  });

  it('finds people by old 9-digit ID', () => {
    expect(store.findByOldId('012345678')?.id12).toBe('001089000001');
  });

  it('finds people by social-insurance number, and by whichever identifier a credential has', () => {
    expect(store.findByBhxh('7912345678')?.id12).toBe('079195004321');
    expect(store.find({ bhxh: '7912345678' })?.id12).toBe('079195004321');
    expect(store.find({ id12: '999999999999', oldId9: '012345678' })?.id12).toBe('001089000001');
    expect(store.find({})).toBeUndefined();
  });

  it('answers undefined for unknown or malformed IDs', () => {
    expect(store.findById12('999999999999')).toBeUndefined();
    expect(store.findById12('1')).toBeUndefined();
    expect(store.findById12('00108900000x')).toBeUndefined();
    expect(store.findByOldId('000000000')).toBeUndefined();
  });

  it('stores no names: the person table has identifier and fact columns only', () => {
    const columns = db.prepare("SELECT name FROM pragma_table_info('person')").pluck().all();
    expect(columns).toEqual(['id12', 'old_id', 'facts', 'bhxh']);
  });

  it('replaces facts on upsert', () => {
    store.upsertMany([{ id12: '079195004321', facts: { doses: [], tests: [], quarantine: [] } }]);
    expect(store.findById12('079195004321')?.facts.doses).toEqual([]);
  });
});
