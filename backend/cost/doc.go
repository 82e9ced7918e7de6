// Package cost prices instances and environments: the hourly price of every
// instance in its own region, what an environment costs per hour while
// running, what its current run has cost so far, what leaving it up overnight
// or over a weekend will cost, and what it costs per month while stopped
// (EBS volumes and public IPv4 addresses).
//
// Prices come from a Book: a fresh figure from the AWS Price List API or the
// spot price history, cached in the user's cache folder with its date, wins
// over the built-in table (backend/pricing). Every figure carries its Source
// and AsOf; a price nobody knows is "unknown", never $0.
package cost
