package instruct

// Definition is an entry of the API catalogue: an API one can request
// access to, the scopes it offers and the message templates reviewers use.
type Definition struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Provider    string `json:"provider"`
	Description string `json:"description,omitempty"`
	// Short is the name a narrow column shows, such as "Particulier";
	// "" means Name.
	Short string `json:"short,omitempty"`
	// ReviewDays is the service's deadline to decide, in days; 0 means
	// DefaultReviewDays.
	ReviewDays int        `json:"review_days,omitempty"`
	Scopes     []Scope    `json:"scopes"`
	Templates  []Template `json:"templates"`
	// Prerequisites are the definitions an organisation must hold an
	// active habilitation of before this one is granted (DataPass: API
	// Impôt Particulier needs FranceConnect).
	Prerequisites []string `json:"prerequisites,omitempty"`
}

// DefaultReviewDays is the review deadline of definitions that name none.
const DefaultReviewDays = 30

// Scope is a group of data an API offers, with its catalogue label.
// Included scopes are granted automatically (open data).
type Scope struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Group    string `json:"group"`
	Included bool   `json:"included"`
}

// Template is a message reviewers insert into a decision's comment.
type Template struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Scope returns the catalogue entry of scope id, if the definition has it.
func (d Definition) Scope(id string) (Scope, bool) {
	for _, s := range d.Scopes {
		if s.ID == id {
			return s, true
		}
	}
	return Scope{}, false
}

// Deadline returns the review deadline in days.
func (d Definition) Deadline() int {
	if d.ReviewDays > 0 {
		return d.ReviewDays
	}
	return DefaultReviewDays
}

// TemplatesFor returns the templates of kind k.
func (d Definition) TemplatesFor(k Kind) []Template {
	var out []Template
	for _, t := range d.Templates {
		if t.Kind == k {
			out = append(out, t)
		}
	}
	return out
}
