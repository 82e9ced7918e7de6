package desktop

import "time"

var timeNow = time.Now
