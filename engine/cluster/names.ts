// Names derived from an ordo cluster name: the log stream, its subjects, the node-claim stream. One place,
// so that every node of a cluster (and every tool) derives the same names.
//
//   cluster "prod"  →  stream ORDO_prod        subjects ordo.prod.log   (batches, heartbeats)
//                                                       ordo.prod.epoch (EPOCH entries, never purged)
//                   →  stream ORDO_prod_NODES  subjects ordo.prod.node.<node name>  (one claim per node)
//
// Cluster and node names are subject tokens and stream-name parts, so they are restricted to
// [A-Za-z0-9_-]: no '.', '*', '>' or whitespace, which NATS gives meaning to.

import { ClusterError, ClusterErrorCode } from './errors.js'

const NAME_RE = /^[A-Za-z0-9_-]+$/
export const MAX_CLUSTER_NAME = 32
export const MAX_NODE_NAME = 64

function check(kind: string, name: string, max: number): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > max || !NAME_RE.test(name)) {
    throw new ClusterError(
      ClusterErrorCode.badArgument,
      `invalid ${kind} name: name=${JSON.stringify(name)}, rule=1..${max} characters of [A-Za-z0-9_-]`,
    )
  }
}

export function checkClusterName(name: string): void {
  check('cluster', name, MAX_CLUSTER_NAME)
}

export function checkNodeName(name: string): void {
  check('node', name, MAX_NODE_NAME)
}

/** Names of one cluster's streams and subjects. */
export interface ClusterNames {
  readonly cluster: string
  readonly logStream: string
  readonly logSubject: string
  readonly epochSubject: string
  readonly nodesStream: string
  /** ordo.<cluster>.node.* — the claim stream's only subject filter. */
  readonly nodeSubjects: string
  nodeSubject(node: string): string
}

export function clusterNames(cluster: string): ClusterNames {
  checkClusterName(cluster)
  const prefix = `ordo.${cluster}`
  return {
    cluster,
    logStream: `ORDO_${cluster}`,
    logSubject: `${prefix}.log`,
    epochSubject: `${prefix}.epoch`,
    nodesStream: `ORDO_${cluster}_NODES`,
    nodeSubjects: `${prefix}.node.*`,
    nodeSubject(node: string): string {
      checkNodeName(node)
      return `${prefix}.node.${node}`
    },
  }
}
