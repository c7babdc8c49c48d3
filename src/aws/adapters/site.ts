/** Where an adapter's calls go: the Region and the endpoint, named in error messages. */
export interface AdapterSite {
  region: string;
  endpoint: string;
}
