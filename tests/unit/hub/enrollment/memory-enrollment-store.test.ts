import { MemoryEnrollmentStore } from '../../../../hub/enrollment/enrollment-store.js';
import { describeEnrollmentStoreContract, memorySubject } from '../enrollment-store-contract.js';

// The reference the hub's stores are held to, and what the service's own tests run on: it
// passes the same contract as SQLite and PostgreSQL (tests/unit/hub/*-hub-storage.test.ts).
describeEnrollmentStoreContract(
  'memory',
  memorySubject(() => new MemoryEnrollmentStore()),
);
