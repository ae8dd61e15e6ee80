# English: the catalogue of the citizen pages (survey, e-ID sign-in, kiosk) and of the
# messages (SMS, e-mail). Same ids as locales/vi/main.ftl.

language-name = English
meta-description = How satisfied citizens and businesses are with the public administration.

## Survey

site = Satisfaction survey
survey-title = How satisfied were you?
survey-intro = Please tell us how satisfied you are with the handling of your administrative procedure.
anonymous-note = Your answers are stored anonymously: nobody, including the agency, can tell who answered.
agency = Agency
procedure = Procedure
likert-1 = Very dissatisfied
likert-2 = Dissatisfied
likert-3 = Neutral
likert-4 = Satisfied
likert-5 = Very satisfied
not-applicable = Not applicable
dont-know = Don't know / prefer not to say
yes = Yes
no = No
comment = Anything else? (optional)
comment-hint = At most 2,000 characters. Phone and ID numbers, e-mail addresses, vehicle plates and people's names in your comment are masked before it is stored.
submit = Send my answers
fix-errors = Please check the questions marked below.
out-of-range = Please choose one of the options offered.
unknown-item = This question is not part of the survey.
comment-too-long = The comment is longer than 2,000 characters; please shorten it.
nothing-answered = Please answer at least one question or write a comment.
thanks-title = Thank you!
thanks-body = Your answers have been recorded. They help the administration serve people better.
answered-title = Already answered
answered-body = The survey for this dossier has already been answered. Each dossier can be rated once.
expired-title = This survey has expired
expired-body = This survey link has expired. Each survey stays open for a limited time after the result is delivered.
unknown-title = Survey not found
unknown-body = The link is wrong or incomplete. Please scan the QR code on your receipt again.
form-expired-title = The form has expired
form-expired-body = For your security the form must be reloaded. Please open the survey link again and resend (your browser must allow cookies).
too-many-title = Too many requests
stop-title = Stop messages
stop-link = Rather not get reminders about this dossier? Stop messages
stop-body = You will get no more survey reminders about this dossier, and the phone number and e-mail given for the survey will be deleted at once. You can still answer the survey through this link if you wish.
stop-button = Stop messages
stopped-title = Messages stopped
stopped-body = You will get no more messages about this dossier. Your phone number and e-mail have been deleted from the survey system.
too-many-body = Please wait a moment and try again.
unavailable-title = Temporarily unavailable
unavailable-body = Please try again in a few minutes. Your answers have not been stored yet.
eid-title = Confirm you are the applicant
eid-body = This survey is only for the person who filed the dossier. Please sign in with your national electronic identity (VNeID) to continue.
eid-privacy = Your sign-in is only compared with the dossier and then deleted; your answers are still stored anonymously.
eid-button = Sign in with electronic identity
eid-mismatch-title = This survey belongs to someone else
eid-mismatch-body = The account that just signed in is not the applicant of this dossier, so it cannot answer this survey. If you filed the dossier, sign in again with your own account.
eid-sign-in-again = Sign in as someone else
eid-unreachable-title = The electronic identity service cannot be reached
eid-unreachable-body = The electronic identity service is not answering, so signing in is not possible right now. Your survey is still waiting for you; please try again in a few minutes.
eid-retry = Try again
eid-failed-title = The sign-in could not be verified
eid-failed-body = We could not confirm the result of the electronic identity sign-in. Please open the survey link again and sign in once more.
eid-expired-title = The sign-in has expired
eid-expired-body = The sign-in has expired or was already used. Please open the survey link again and sign in once more (your browser must allow cookies).
eid-limit-title = Daily limit reached
eid-limit-body = You have answered as many surveys as allowed today. Please come back tomorrow; the link stays valid.
survey-length = { $questions } questions, about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }; skip any that does not apply.
section-progress = Part { $step } / { $steps }
contact-note = Questions about your dossier? Contact
help-link = I want someone to contact me about a problem
languages = Language

## Kiosk at the counter

kiosk-title = Rate our service
kiosk-code-label = Type the survey code printed on your receipt (10 digits):
kiosk-start = Start
kiosk-privacy = Your answers are not tied to your name or your dossier; staff cannot see them on this device.
kiosk-done = Done
kiosk-back-by-itself = This screen goes back by itself in { $seconds } seconds.
kiosk-idle-survey = If the form is not sent within { $minutes } minutes, the screen goes back to the keypad by itself and keeps none of the answers, so the next person sees nothing.
kiosk-back = Back
kiosk-enrol-title = Set up a counter kiosk
kiosk-enrol-kiosk = Kiosk
kiosk-enrol-body = This device becomes the agency's kiosk: citizens type the survey code from their receipt to answer. Do this only on the tablet at the counter.
kiosk-enrol-button = Use this device as the kiosk
kiosk-not-enrolled-title = This device is not a kiosk
kiosk-not-enrolled-body = This device is not an agency's kiosk, or it was revoked. An administrator opens the set-up link (Admin › Kiosks) on this device.
kiosk-code-wrong-title = That is not a survey code
kiosk-code-length = A survey code has 10 digits. Please type every digit from your receipt.
kiosk-code-digits = A survey code has only digits.
kiosk-code-check = A digit was mistyped or two were swapped. Please check the code on your receipt.
kiosk-code-unknown-title = No survey has this code
kiosk-code-unknown-body = No open survey of this agency has this code. Please check the code, or use the QR code on your receipt.
kiosk-code-expired-body = The survey of this dossier has expired.
kiosk-code-needs-eid = This agency's surveys need an e-ID sign-in: please answer with the link or QR code on your receipt, on your own phone.
kiosk-paused-title = The kiosk is paused
kiosk-paused-body = Too many wrong codes were typed on this kiosk. Please try again in { $minutes } minutes, or ask the staff at the counter.
kiosk-timeout-title = Time ran out
kiosk-timeout-body = This survey was open too long. Please type the survey code again.

## Messages

sms-invitation = { $agency } asks you to rate "{ $procedure }": { $url }
sms-reminder = Reminder: { $agency } asks you to rate "{ $procedure }": { $url }
sms-followup-answer = { $agency } has answered your request for help: { $url }
email-invitation-subject = { $agency } asks for your rating
email-reminder-subject = Reminder: { $agency } would value your rating
email-invitation-body =
    Dear citizen,

    Your "{ $procedure }" application at { $agency } has been completed. Please take a minute to tell us how satisfied you are:

    { $url }

    Your answers are stored anonymously: nobody, the agency included, can tell who answered.

    To receive no more messages about this application: { $stop }
email-followup-answer-subject = { $agency } has answered your request for help
email-followup-answer-body =
    Dear citizen,

    { $agency } has answered the request for help you sent. Read the answer and tell us whether you are satisfied with how it was handled:

    { $url }

## Help requests (the thank-you page's link) and their answers

help-title = Ask for help
help-to = To:
help-kept-apart = This request is kept apart from the answers you just gave: the agency reads what you write and how to reach you below, never how you rated it.
help-due = The agency answers within { $days } working days.
help-problem = Your problem
help-phone = Phone number
help-email = Or e-mail
help-consent = I agree that the agency uses this contact to answer this request; it is erased 30 days after the answer.
help-send = Send the request
help-problem-missing = Please tell us what the problem is.
help-problem-too-long = The text is longer than 2,000 characters; please shorten it.
help-no-contact = Please give a phone number or an e-mail address for the answer.
help-bad-phone = That phone number does not look right, e.g. 0912345678.
help-bad-email = That e-mail address does not look right, e.g. name@example.vn.
help-no-consent = Please tick your consent for the agency to contact you.
help-received-title = Request received
help-received-body = The agency will answer you through the contact you gave, within the time stated.
help-sent-title = Request already sent
help-sent-body = The request from this page was sent already.
help-link-gone-title = This link has expired
help-link-gone-body = The link to ask for help works for 24 hours after the survey. You can still contact the agency directly.
help-answer-title = Answer to your request
help-from = From:
help-your-request = Your request
help-answer = Answer
help-rated = Thank you for telling us how it was handled.
help-choose-level = Please choose a level from 1 to 5.
help-satisfied-question = Were you satisfied with how this was handled?
help-send-rating = Send
help-answer-missing-title = Not found
help-answer-missing-body = This link leads to no answer.
help-already-rated-title = Already rated
help-already-rated-body = You rated the handling of this request already.

## Error pages

error-not-found-title = Not found
error-not-found-body = This page does not exist, or you may not see it.
error-cannot-title = Cannot be done
error-conflict-title = Conflict
error-sign-in-title = Please sign in
error-sign-in-body = Your session has ended. Please sign in again.
error-form-expired-body = This form has expired or belongs to another session. Please open the page again and retry.
error-internal-title = Something went wrong
error-internal-body = Something went wrong on our side; it has been logged. Please try again later.
