# Tiếng Việt: the catalogue of the citizen pages (survey, e-ID sign-in, kiosk) and of the
# messages (SMS, e-mail). Vietnamese is the fallback of every text another catalogue lacks.
# Ids are the same in every locales/<code>/main.ftl; adding a language is adding such a file.

language-name = Tiếng Việt
meta-description = Đánh giá mức độ hài lòng của người dân, doanh nghiệp với cơ quan hành chính nhà nước.

## Survey

site = Khảo sát hài lòng
survey-title = Khảo sát mức độ hài lòng
survey-intro = Xin Ông/Bà cho biết mức độ hài lòng với việc giải quyết thủ tục hành chính vừa qua.
anonymous-note = Câu trả lời được lưu ẩn danh: không ai, kể cả cơ quan giải quyết, biết được ai đã trả lời.
agency = Cơ quan
procedure = Thủ tục
likert-1 = Rất không hài lòng
likert-2 = Không hài lòng
likert-3 = Bình thường
likert-4 = Hài lòng
likert-5 = Rất hài lòng
not-applicable = Không áp dụng
dont-know = Không biết / Không muốn trả lời
yes = Có
no = Không
comment = Góp ý thêm (không bắt buộc)
comment-hint = Tối đa 2.000 ký tự. Số điện thoại, số giấy tờ, e-mail, biển số xe và tên người trong góp ý sẽ được che trước khi lưu.
submit = Gửi đánh giá
fix-errors = Vui lòng kiểm tra lại các câu được đánh dấu bên dưới.
out-of-range = Vui lòng chọn một trong các mức có sẵn.
unknown-item = Câu hỏi này không có trong phiếu khảo sát.
comment-too-long = Góp ý dài quá 2.000 ký tự; vui lòng rút gọn.
nothing-answered = Vui lòng trả lời ít nhất một câu hỏi hoặc ghi góp ý.
thanks-title = Cảm ơn Ông/Bà!
thanks-body = Đánh giá của Ông/Bà đã được ghi nhận. Ý kiến này giúp cơ quan nhà nước phục vụ tốt hơn.
answered-title = Phiếu đã được trả lời
answered-body = Phiếu khảo sát của hồ sơ này đã được trả lời. Mỗi hồ sơ chỉ được đánh giá một lần.
expired-title = Phiếu đã hết hạn
expired-body = Đường dẫn khảo sát này đã hết hạn. Mỗi phiếu chỉ có hiệu lực trong một thời gian sau khi nhận kết quả.
unknown-title = Không tìm thấy phiếu khảo sát
unknown-body = Đường dẫn không đúng hoặc không đầy đủ. Vui lòng quét lại mã QR trên phiếu hẹn trả kết quả.
form-expired-title = Biểu mẫu đã hết hiệu lực
form-expired-body = Vì lý do an toàn, biểu mẫu cần được tải lại. Vui lòng mở lại đường dẫn khảo sát và gửi lại (trình duyệt cần cho phép cookie).
too-many-title = Quá nhiều yêu cầu
stop-title = Ngừng nhận tin nhắn
stop-link = Không muốn nhận thêm tin nhắn nhắc về hồ sơ này? Ngừng nhận tin nhắn
stop-body = Bạn sẽ không nhận thêm tin nhắn nhắc khảo sát nào về hồ sơ này, và số điện thoại, e-mail đã cung cấp cho việc khảo sát sẽ được xóa ngay. Bạn vẫn có thể trả lời khảo sát qua đường dẫn này nếu muốn.
stop-button = Ngừng nhận tin nhắn
stopped-title = Đã ngừng gửi tin nhắn
stopped-body = Bạn sẽ không nhận thêm tin nhắn nào về hồ sơ này. Số điện thoại và e-mail của bạn đã được xóa khỏi hệ thống khảo sát.
too-many-body = Vui lòng đợi một lát rồi thử lại.
unavailable-title = Hệ thống tạm thời gián đoạn
unavailable-body = Vui lòng thử lại sau ít phút. Câu trả lời chưa được lưu.
eid-title = Xác thực người nộp hồ sơ
eid-body = Phiếu khảo sát này chỉ dành cho người đã nộp hồ sơ. Vui lòng đăng nhập bằng tài khoản định danh điện tử (VNeID) để tiếp tục.
eid-privacy = Thông tin đăng nhập chỉ dùng để đối chiếu với hồ sơ rồi bị xóa ngay; câu trả lời vẫn được lưu ẩn danh.
eid-button = Đăng nhập bằng định danh điện tử
eid-mismatch-title = Phiếu khảo sát thuộc về người khác
eid-mismatch-body = Tài khoản vừa đăng nhập không phải là người nộp hồ sơ này, nên không thể trả lời phiếu. Nếu Ông/Bà là người nộp hồ sơ, vui lòng đăng nhập lại bằng tài khoản của chính mình.
eid-sign-in-again = Đăng nhập bằng tài khoản khác
eid-unreachable-title = Chưa kết nối được với hệ thống định danh điện tử
eid-unreachable-body = Hệ thống định danh điện tử đang không trả lời, nên chưa thể đăng nhập. Phiếu khảo sát vẫn còn nguyên; vui lòng thử lại sau ít phút.
eid-retry = Thử lại
eid-failed-title = Không xác thực được đăng nhập
eid-failed-body = Hệ thống không xác nhận được kết quả đăng nhập định danh điện tử. Vui lòng mở lại đường dẫn khảo sát và đăng nhập lại.
eid-expired-title = Phiên đăng nhập đã hết hạn
eid-expired-body = Phiên đăng nhập đã hết hạn hoặc đã được sử dụng. Vui lòng mở lại đường dẫn khảo sát và đăng nhập lại (trình duyệt cần cho phép cookie).
eid-limit-title = Đã đạt giới hạn trong ngày
eid-limit-body = Ông/Bà đã trả lời số phiếu khảo sát tối đa cho phép trong hôm nay. Vui lòng quay lại vào ngày mai; đường dẫn vẫn còn hiệu lực.
survey-length = Phiếu có { $questions } câu hỏi, mất khoảng { $minutes } phút; có thể bỏ qua câu không phù hợp.
section-progress = Phần { $step } / { $steps }
contact-note = Cần hỏi thêm về hồ sơ? Liên hệ
help-link = Tôi muốn được liên hệ về một vấn đề
languages = Ngôn ngữ

## Kiosk at the counter

kiosk-title = Đánh giá sự hài lòng
kiosk-code-label = Nhập mã khảo sát in trên phiếu hẹn trả kết quả (10 chữ số):
kiosk-start = Bắt đầu đánh giá
kiosk-privacy = Câu trả lời không gắn với tên hay hồ sơ của Ông/Bà; cán bộ không xem được câu trả lời trên máy này.
kiosk-done = Xong
kiosk-back-by-itself = Màn hình sẽ tự trở về sau { $seconds } giây.
kiosk-idle-survey = Nếu phiếu chưa được gửi sau { $minutes } phút, màn hình tự trở về bàn phím và không giữ lại câu trả lời nào, để người sau không thấy.
kiosk-back = Trở lại
kiosk-enrol-title = Cài đặt máy đánh giá tại quầy
kiosk-enrol-kiosk = Máy
kiosk-enrol-body = Thiết bị này sẽ trở thành máy đánh giá của cơ quan trên: người dân nhập mã khảo sát trên phiếu hẹn để đánh giá. Chỉ làm việc này trên máy tính bảng đặt tại quầy.
kiosk-enrol-button = Dùng thiết bị này làm máy đánh giá
kiosk-not-enrolled-title = Thiết bị chưa được cài đặt
kiosk-not-enrolled-body = Thiết bị này chưa là máy đánh giá của cơ quan nào, hoặc đã bị thu hồi. Quản trị viên mở đường dẫn cài đặt (trang Quản trị › Máy đánh giá) trên thiết bị này.
kiosk-code-wrong-title = Mã chưa đúng
kiosk-code-length = Mã khảo sát có 10 chữ số. Vui lòng nhập lại đủ các chữ số trên phiếu hẹn.
kiosk-code-digits = Mã khảo sát chỉ gồm chữ số.
kiosk-code-check = Có một chữ số bị gõ nhầm hoặc đổi chỗ. Vui lòng kiểm tra lại mã trên phiếu hẹn.
kiosk-code-unknown-title = Không tìm thấy phiếu khảo sát
kiosk-code-unknown-body = Không có phiếu khảo sát đang mở nào của cơ quan này với mã đã nhập. Vui lòng kiểm tra lại mã, hoặc dùng mã QR trên phiếu hẹn.
kiosk-code-expired-body = Phiếu khảo sát của hồ sơ này đã hết hạn.
kiosk-code-needs-eid = Phiếu khảo sát của cơ quan này cần đăng nhập bằng định danh điện tử: vui lòng trả lời bằng đường dẫn hoặc mã QR trên phiếu hẹn, trên điện thoại của Ông/Bà.
kiosk-paused-title = Máy tạm dừng nhận mã
kiosk-paused-body = Đã có quá nhiều mã sai trên máy này. Vui lòng thử lại sau { $minutes } phút, hoặc nhờ cán bộ tại quầy hỗ trợ.
kiosk-timeout-title = Hết thời gian
kiosk-timeout-body = Phiếu này đã mở quá lâu. Vui lòng nhập lại mã khảo sát.

## Messages: an SMS is cut to its budget by shortening the agency and procedure names, never
## the link; without diacritics (GSM-7) the text is folded to ASCII.

sms-invitation = { $agency } mời Ông/Bà đánh giá hồ sơ "{ $procedure }": { $url }
sms-reminder = Nhắc lại: { $agency } mời Ông/Bà đánh giá hồ sơ "{ $procedure }": { $url }
sms-followup-answer = { $agency } đã trả lời yêu cầu hỗ trợ của Ông/Bà: { $url }
email-invitation-subject = { $agency } mời Ông/Bà đánh giá việc giải quyết hồ sơ
email-reminder-subject = Nhắc lại: { $agency } mong nhận đánh giá của Ông/Bà
email-invitation-body =
    Kính gửi Ông/Bà,

    Hồ sơ "{ $procedure }" của Ông/Bà tại { $agency } đã được giải quyết. Xin Ông/Bà dành một phút cho biết mức độ hài lòng:

    { $url }

    Câu trả lời được lưu ẩn danh: không ai, kể cả cơ quan giải quyết, biết được ai đã trả lời.

    Không muốn nhận thêm thư về hồ sơ này: { $stop }
email-followup-answer-subject = { $agency } đã trả lời yêu cầu hỗ trợ của Ông/Bà
email-followup-answer-body =
    Kính gửi Ông/Bà,

    { $agency } đã trả lời yêu cầu hỗ trợ Ông/Bà gửi. Xem câu trả lời và cho biết Ông/Bà có hài lòng với cách giải quyết không:

    { $url }

## Help requests (the thank-you page's link) and their answers

help-title = Yêu cầu hỗ trợ
help-to = Gửi tới:
help-kept-apart = Yêu cầu này được lưu riêng, không gắn với phiếu đánh giá Ông/Bà vừa gửi: cơ quan đọc được nội dung và cách liên hệ Ông/Bà ghi dưới đây, không biết Ông/Bà đã đánh giá thế nào.
help-due = Cơ quan trả lời trong vòng { $days } ngày làm việc.
help-problem = Vấn đề Ông/Bà gặp phải
help-phone = Số điện thoại
help-email = Hoặc thư điện tử
help-consent = Tôi đồng ý để cơ quan dùng cách liên hệ trên để trả lời yêu cầu này; thông tin liên hệ được xoá 30 ngày sau khi trả lời.
help-send = Gửi yêu cầu
help-problem-missing = Xin cho biết vấn đề Ông/Bà gặp phải.
help-problem-too-long = Nội dung dài quá 2.000 ký tự; xin rút gọn.
help-no-contact = Xin ghi số điện thoại hoặc địa chỉ thư điện tử để cơ quan trả lời.
help-bad-phone = Số điện thoại chưa đúng, ví dụ 0912345678.
help-bad-email = Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.
help-no-consent = Xin đánh dấu đồng ý để cơ quan được liên hệ với Ông/Bà.
help-received-title = Đã nhận yêu cầu
help-received-body = Cơ quan sẽ trả lời Ông/Bà qua cách liên hệ đã ghi, trong thời hạn đã nêu.
help-sent-title = Yêu cầu đã được gửi
help-sent-body = Yêu cầu hỗ trợ từ trang này đã được gửi trước đó.
help-link-gone-title = Liên kết đã hết hạn
help-link-gone-body = Liên kết gửi yêu cầu hỗ trợ chỉ dùng được trong 24 giờ sau khi trả lời khảo sát. Ông/Bà có thể liên hệ trực tiếp cơ quan.
help-answer-title = Trả lời yêu cầu hỗ trợ
help-from = Từ:
help-your-request = Yêu cầu của Ông/Bà
help-answer = Trả lời
help-rated = Cảm ơn Ông/Bà đã cho biết ý kiến về cách giải quyết.
help-choose-level = Xin chọn một mức từ 1 đến 5.
help-satisfied-question = Ông/Bà có hài lòng với cách giải quyết yêu cầu này không?
help-send-rating = Gửi
help-answer-missing-title = Không tìm thấy
help-answer-missing-body = Liên kết này không dẫn tới câu trả lời nào.
help-already-rated-title = Đã đánh giá
help-already-rated-body = Ông/Bà đã đánh giá cách giải quyết yêu cầu này.

## Error pages

error-not-found-title = Không tìm thấy
error-not-found-body = Trang này không có, hoặc bạn không có quyền xem.
error-cannot-title = Không thực hiện được
error-conflict-title = Xung đột dữ liệu
error-sign-in-title = Vui lòng đăng nhập
error-sign-in-body = Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.
error-form-expired-body = Biểu mẫu này đã hết hiệu lực hoặc thuộc về một phiên khác. Vui lòng mở lại trang và thử lại.
error-internal-title = Đã có lỗi
error-internal-body = Đã có lỗi phía hệ thống; lỗi đã được ghi lại. Vui lòng thử lại sau.
