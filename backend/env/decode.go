package env

import "cloudcontrol/backend/yamlpos"

// decoder reads an environment file through the positioned-YAML helper:
// every problem keeps its FILE:LINE:COL and one bad value does not hide
// the next.
type decoder struct{ yamlpos.Decoder }

// pair is one key: value of a mapping.
type pair = yamlpos.Pair
