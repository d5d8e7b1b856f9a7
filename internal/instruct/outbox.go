package instruct

import (
	"net/url"
	"strings"
	"time"
)

// Webhook is a subscriber of a definition's events: each event of the
// kinds it lists is POSTed to URL, signed with its secret (which is never
// part of this value: it is shown once, when made).
type Webhook struct {
	ID         string    `json:"id"`
	Definition string    `json:"definition"`
	URL        string    `json:"url"`
	Events     []Kind    `json:"events"`
	CreatedAt  time.Time `json:"created_at"`
}

// WebhookKinds returns the event kinds a webhook may subscribe to, in the
// order DataPass lists them.
func WebhookKinds() []Kind {
	return []Kind{KindSubmit, KindApprove, KindRefuse, KindRequestChanges, KindRevoke, KindReopen,
		KindTransfer, KindArchive}
}

// Subscribes reports whether w is sent the events of kind k.
func (w Webhook) Subscribes(k Kind) bool {
	for _, e := range w.Events {
		if e == k {
			return true
		}
	}
	return false
}

// CheckWebhookURL refuses a webhook URL that is not an absolute http or
// https URL with a host and no user name.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return Errorf(CodeInvalid, "a webhook URL is http(s)://host/path, without a user name")
	}
	return nil
}

// MailRole is why a mail goes to its recipient.
type MailRole string

// The recipients of mails.
const (
	// MailApplicant: the applicant hears of a decision or a reviewer's
	// message, and a new applicant of a transfer.
	MailApplicant MailRole = "applicant"
	// MailFormerApplicant: the applicant a transfer took the request from.
	MailFormerApplicant MailRole = "former_applicant"
	// MailInstructor: an instructor of the definition hears of a
	// submission or an applicant's message.
	MailInstructor MailRole = "instructor"
)

// Dispatch is a delivery a worker has taken to send: the event that
// caused it and where it goes. Lease identifies the worker's hold on it,
// which its outcome must name.
type Dispatch struct {
	Delivery Delivery
	Lease    string
	Event    Event
	// Role and Recipient (an e-mail address) are set for mails.
	Role      MailRole
	Recipient string
	// WebhookURL and Secret are set for webhook calls, Body once their
	// first attempt froze it.
	WebhookURL string
	Secret     string
	Body       []byte
	CreatedAt  time.Time
}

// Attempt is the outcome of sending a Dispatch once.
type Attempt struct {
	ID    string
	Lease string
	At    time.Time
	// Status is the HTTP status or SMTP code answered, 0 for none.
	Status int
	// Error says why the attempt failed, "" when it delivered.
	Error string
	// Next is when to try again after a failure; nil gives up (failed).
	Next *time.Time
}

// Delivered reports whether the attempt delivered.
func (a Attempt) Delivered() bool { return a.Error == "" }

// MaskEmail returns address with its local part cut to its first
// character: a…@ville-x.fr.
func MaskEmail(address string) string {
	local, domain, ok := strings.Cut(strings.TrimSpace(address), "@")
	if !ok || local == "" {
		return "…"
	}
	first := []rune(local)[0]
	return string(first) + "…@" + domain
}
