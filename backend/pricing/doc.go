// Package pricing is Cloud Control's built-in, offline price table: per EC2
// instance type its vCPUs, memory and architectures, and per region its Linux
// on-demand and average spot price per hour; EBS volume prices for the
// regions that could be sourced; and the public IPv4 address charge.
//
// Everything comes from files embedded in the binary (data/), decoded once on
// first use by Builtin. Nothing here depends on the data's Go module at run
// time. Whatever the table does not know is reported with ok=false so callers
// print "unknown", never $0. README.md says how data/ is regenerated.
package pricing
