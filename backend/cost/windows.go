package cost

import "time"

// The windows the app prices "leaving it up" over, in local time.
const (
	EveningHour = 18 // overnight and weekend start at 18:00
	MorningHour = 9  // and end at 09:00
)

// Basis is the one line shown beside an environment's cost figures, naming
// what they include as the usage report names its own basis.
const Basis = "Per hour figures include EBS storage and public IPv4 addresses; this run so far counts instances and addresses only (storage is billed whether running or not)."

// Definitions say in words what each figure means; every output shows them.
var Definitions = []string{
	"per hour while running: every instance's hourly price in its own region, plus its public IPv4 address, plus its EBS storage (730 hours a month); a stopped instance's public address is counted once AWS assigns it at start",
	"per hour now: the running instances as above, plus the EBS storage and kept public IPv4 addresses of the stopped ones",
	"this run so far: for each running instance, its hourly price and public IPv4 address since AWS's launch time of its current run",
	"overnight: 18:00 to 09:00 the next morning, local time (from now if it is already evening), at the per-hour-while-running figure",
	"weekend: Friday 18:00 to Monday 09:00, local time (from now if the weekend has begun), at the per-hour-while-running figure",
	"per month while stopped: EBS storage of every attached volume, plus public IPv4 addresses kept while stopped (Elastic IPs seen on stopped instances), 730 hours a month",
}

// HoursPerMonth is AWS's own convention for monthly prices.
const HoursPerMonth = 730

// Window is a stretch of time the app prices.
type Window struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Hours float64   `json:"hours"`
}

func window(from, to time.Time) Window {
	return Window{From: from, To: to, Hours: to.Sub(from).Hours()}
}

func at(day time.Time, hour int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, hour, 0, 0, 0, day.Location())
}

// Overnight is the next (or current) 18:00-09:00 window in now's location.
// Hours follow the wall clock, so a daylight-saving night is 14 or 16 h.
func Overnight(now time.Time) Window {
	if now.Hour() < MorningHour { // still inside last night's window
		return window(now, at(now, MorningHour))
	}
	from := at(now, EveningHour)
	if now.After(from) {
		from = now
	}
	return window(from, at(now.AddDate(0, 0, 1), MorningHour))
}

// Weekend is the next (or current) Friday 18:00 - Monday 09:00 window.
func Weekend(now time.Time) Window {
	// Days since the last Friday (Friday = 0 ... Thursday = 6).
	since := (int(now.Weekday()) - int(time.Friday) + 7) % 7
	friday := now.AddDate(0, 0, -since)
	start, end := at(friday, EveningHour), at(friday.AddDate(0, 0, 3), MorningHour)
	if !now.Before(end) { // this weekend is over: the next one
		start, end = at(friday.AddDate(0, 0, 7), EveningHour), at(friday.AddDate(0, 0, 10), MorningHour)
	}
	if now.After(start) {
		start = now
	}
	return window(start, end)
}
