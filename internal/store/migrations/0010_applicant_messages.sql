-- Messages now say whether the request's applicant wrote them, and the
-- applicant is followed through transfers: applicant_id is the applicant
-- as of the cached events ('' when a transfer left it unknown), and
-- message_seq the latest message its applicant of the time wrote. The
-- rows cached before took the creator for the applicant forever: forget
-- what they derived and pull everything again (seq = 0 makes each pulled
-- request newer than its row; the outbox and seen_seq stay).
UPDATE requests SET seq = 0, applicant_id = '', message_seq = 0;
DELETE FROM meta WHERE key = 'cursor';
