export { TestClient, type TestClientResponse, type TestRequestOptions } from '@fasterapi/http/testing'
export { type Cluster, type ClusterOptions, type ClusterUser, startCluster } from '@fasterapi/pg/testing'
