package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// zoneFlagHelp is the help of --tz.
const zoneFlagHelp = "time zone of the dates shown, an IANA name such as Europe/Paris or America/Cayenne (default: TZ, else the system's)"

// timeZone picks the zone dates and times are shown in: the --tz flag,
// else the TZ variable, else the system's zone, by its IANA name when the
// system says it.
func timeZone(flag string, getenv func(string) string) (*time.Location, error) {
	if flag != "" {
		loc, err := time.LoadLocation(flag)
		if err != nil || flag == "Local" {
			return nil, usageError{fmt.Errorf("unknown time zone %q for --tz: give an IANA name such as Europe/Paris", flag)}
		}
		return loc, nil
	}
	if loc, ok := namedZone(getenv("TZ")); ok {
		return loc, nil
	}
	return systemZone(), nil
}

// namedZone loads the zone a TZ value names ("Europe/Paris",
// ":Europe/Paris"); ok is false for none or one unknown.
func namedZone(tz string) (*time.Location, bool) {
	tz = strings.TrimPrefix(tz, ":")
	if tz == "" || tz == "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(tz)
	return loc, err == nil
}

// systemZone is the system's zone under its IANA name, read from the
// /etc/localtime link, so that the screen can name it; time.Local when
// the system does not say.
func systemZone() *time.Location {
	target, err := os.Readlink("/etc/localtime")
	if _, name, ok := strings.Cut(target, "zoneinfo/"); err == nil && ok {
		if loc, ok := namedZone(name); ok {
			return loc
		}
	}
	return time.Local
}
