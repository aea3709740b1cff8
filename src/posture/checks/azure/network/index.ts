/** The azure/network checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { nsgAllPortsFromInternet } from './nsg-all-ports-from-internet.ts';
import { nsgDatabasePortsFromInternet } from './nsg-database-ports-from-internet.ts';
import { nsgFlowLogs } from './nsg-flow-logs.ts';
import { nsgRdpFromInternet } from './nsg-rdp-from-internet.ts';
import { nsgSshFromInternet } from './nsg-ssh-from-internet.ts';
import { nsgUdpFromInternet } from './nsg-udp-from-internet.ts';

export const azureNetworkChecks: readonly Check[] = [
  nsgAllPortsFromInternet,
  nsgDatabasePortsFromInternet,
  nsgFlowLogs,
  nsgRdpFromInternet,
  nsgSshFromInternet,
  nsgUdpFromInternet,
];
