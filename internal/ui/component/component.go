// Package component is the contract the parts of the reviewer's screen
// keep, and the environment each part is built with. The root model lays
// parts out through SetSize, restyles them through SetTheme, draws them
// through View and asks the one that has the keyboard for its help, so
// each part owns its size, keys and help.
//
// Each part also has an Update taking a key: the queue, the review and the
// history report whether they used it; the list to pick from, and the
// decision form (which takes pastes too), report what their owner must do
// next.
//
// Env carries the theme, the words and the keys; the words carry the
// reviewer's time zone (i18n.Messages.Zone), so dates need nothing more.
package component

import (
	"time"

	"charm.land/bubbles/v2/help"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Env is what every part of one program shares: its styles, its words and
// its keys. One is built per program (over SSH, per session) and handed
// to each part at construction; none is ever changed in place.
type Env struct {
	Theme *theme.Theme
	Msgs  *i18n.Messages
	Keys  *keymap.KeyMap
}

// Component is a part of the screen: a box the root gives a size and a
// theme, that draws itself in lines and lists its keys for the help line
// (ShortHelp) and the help screen (FullHelp).
type Component interface {
	help.KeyMap
	// SetSize sets the outer size of the part, borders included.
	SetSize(width, height int)
	// SetTheme changes the styles.
	SetTheme(th *theme.Theme)
	// View draws the part in lines of its width, with ages counted up to
	// now. It is pure and draws only what shows.
	View(now time.Time) []string
}
