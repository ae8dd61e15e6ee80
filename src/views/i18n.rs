//! The two languages of every page: Vietnamese first, English by a visible switch.

pub use crate::domain::language::Lang;

impl Lang {
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// Texts of the staff pages (sign-in, dashboards).
pub struct StaffTexts {
    pub app: &'static str,
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub throttled: &'static str,
    pub form_expired: &'static str,
    pub dashboard: &'static str,
}

pub static STAFF_VI: StaffTexts = StaffTexts {
    app: "Hài lòng · Quản trị",
    sign_in: "Đăng nhập",
    email: "Thư điện tử",
    password: "Mật khẩu",
    sign_out: "Đăng xuất",
    bad_credentials: "Thư điện tử hoặc mật khẩu không đúng.",
    throttled: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
    form_expired: "Biểu mẫu đã hết hiệu lực; vui lòng thử lại.",
    dashboard: "Bảng điều khiển",
};

pub static STAFF_EN: StaffTexts = StaffTexts {
    app: "Hài lòng · Administration",
    sign_in: "Sign in",
    email: "E-mail",
    password: "Password",
    sign_out: "Sign out",
    bad_credentials: "The e-mail or password is incorrect.",
    throttled: "Too many failed sign-ins. Please try again in 15 minutes.",
    form_expired: "The form has expired; please try again.",
    dashboard: "Dashboard",
};

impl Lang {
    pub fn staff(self) -> &'static StaffTexts {
        match self {
            Lang::Vi => &STAFF_VI,
            Lang::En => &STAFF_EN,
        }
    }
}

pub struct Texts {
    pub switch_to: &'static str,
    pub site: &'static str,
    pub survey_title: &'static str,
    pub survey_intro: &'static str,
    pub anonymous_note: &'static str,
    pub agency: &'static str,
    pub procedure: &'static str,
    pub likert: [&'static str; 5],
    pub not_applicable: &'static str,
    pub dont_know: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub comment: &'static str,
    pub comment_hint: &'static str,
    pub submit: &'static str,
    pub fix_errors: &'static str,
    pub out_of_range: &'static str,
    pub unknown_item: &'static str,
    pub comment_too_long: &'static str,
    pub nothing_answered: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub answered_title: &'static str,
    pub answered_body: &'static str,
    pub expired_title: &'static str,
    pub expired_body: &'static str,
    pub unknown_title: &'static str,
    pub unknown_body: &'static str,
    pub form_expired_title: &'static str,
    pub form_expired_body: &'static str,
    pub too_many_title: &'static str,
    pub stop_title: &'static str,
    pub stop_link: &'static str,
    pub stop_body: &'static str,
    pub stop_button: &'static str,
    pub stopped_title: &'static str,
    pub stopped_body: &'static str,
    pub too_many_body: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_body: &'static str,
    pub eid_title: &'static str,
    pub eid_body: &'static str,
    pub eid_privacy: &'static str,
    pub eid_button: &'static str,
    pub eid_mismatch_title: &'static str,
    pub eid_mismatch_body: &'static str,
    pub eid_sign_in_again: &'static str,
    pub eid_unreachable_title: &'static str,
    pub eid_unreachable_body: &'static str,
    pub eid_retry: &'static str,
    pub eid_failed_title: &'static str,
    pub eid_failed_body: &'static str,
    pub eid_expired_title: &'static str,
    pub eid_expired_body: &'static str,
    pub eid_limit_title: &'static str,
    pub eid_limit_body: &'static str,
}

pub static VI: Texts = Texts {
    switch_to: "English",
    site: "Khảo sát hài lòng",
    survey_title: "Khảo sát mức độ hài lòng",
    survey_intro: "Xin Ông/Bà cho biết mức độ hài lòng với việc giải quyết thủ tục hành chính vừa qua.",
    anonymous_note: "Câu trả lời được lưu ẩn danh: không ai, kể cả cơ quan giải quyết, biết được ai đã trả lời.",
    agency: "Cơ quan",
    procedure: "Thủ tục",
    likert: ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"],
    not_applicable: "Không áp dụng",
    dont_know: "Không biết / Không muốn trả lời",
    yes: "Có",
    no: "Không",
    comment: "Góp ý thêm (không bắt buộc)",
    comment_hint: "Tối đa 2.000 ký tự. Số điện thoại, số giấy tờ, e-mail, biển số xe và tên người trong góp ý sẽ được che trước khi lưu.",
    submit: "Gửi đánh giá",
    fix_errors: "Vui lòng kiểm tra lại các câu được đánh dấu bên dưới.",
    out_of_range: "Vui lòng chọn một trong các mức có sẵn.",
    unknown_item: "Câu hỏi này không có trong phiếu khảo sát.",
    comment_too_long: "Góp ý dài quá 2.000 ký tự; vui lòng rút gọn.",
    nothing_answered: "Vui lòng trả lời ít nhất một câu hỏi hoặc ghi góp ý.",
    thanks_title: "Cảm ơn Ông/Bà!",
    thanks_body: "Đánh giá của Ông/Bà đã được ghi nhận. Ý kiến này giúp cơ quan nhà nước phục vụ tốt hơn.",
    answered_title: "Phiếu đã được trả lời",
    answered_body: "Phiếu khảo sát của hồ sơ này đã được trả lời. Mỗi hồ sơ chỉ được đánh giá một lần.",
    expired_title: "Phiếu đã hết hạn",
    expired_body: "Đường dẫn khảo sát này đã hết hạn. Mỗi phiếu chỉ có hiệu lực trong một thời gian sau khi nhận kết quả.",
    unknown_title: "Không tìm thấy phiếu khảo sát",
    unknown_body: "Đường dẫn không đúng hoặc không đầy đủ. Vui lòng quét lại mã QR trên phiếu hẹn trả kết quả.",
    form_expired_title: "Biểu mẫu đã hết hiệu lực",
    form_expired_body: "Vì lý do an toàn, biểu mẫu cần được tải lại. Vui lòng mở lại đường dẫn khảo sát và gửi lại (trình duyệt cần cho phép cookie).",
    too_many_title: "Quá nhiều yêu cầu",
    stop_title: "Ngừng nhận tin nhắn",
    stop_link: "Không muốn nhận thêm tin nhắn nhắc về hồ sơ này? Ngừng nhận tin nhắn",
    stop_body: "Bạn sẽ không nhận thêm tin nhắn nhắc khảo sát nào về hồ sơ này, và số điện thoại, e-mail đã cung cấp cho việc khảo sát sẽ được xóa ngay. Bạn vẫn có thể trả lời khảo sát qua đường dẫn này nếu muốn.",
    stop_button: "Ngừng nhận tin nhắn",
    stopped_title: "Đã ngừng gửi tin nhắn",
    stopped_body: "Bạn sẽ không nhận thêm tin nhắn nào về hồ sơ này. Số điện thoại và e-mail của bạn đã được xóa khỏi hệ thống khảo sát.",
    too_many_body: "Vui lòng đợi một lát rồi thử lại.",
    unavailable_title: "Hệ thống tạm thời gián đoạn",
    unavailable_body: "Vui lòng thử lại sau ít phút. Câu trả lời chưa được lưu.",
    eid_title: "Xác thực người nộp hồ sơ",
    eid_body: "Phiếu khảo sát này chỉ dành cho người đã nộp hồ sơ. Vui lòng đăng nhập bằng tài khoản định danh điện tử (VNeID) để tiếp tục.",
    eid_privacy: "Thông tin đăng nhập chỉ dùng để đối chiếu với hồ sơ rồi bị xóa ngay; câu trả lời vẫn được lưu ẩn danh.",
    eid_button: "Đăng nhập bằng định danh điện tử",
    eid_mismatch_title: "Phiếu khảo sát thuộc về người khác",
    eid_mismatch_body: "Tài khoản vừa đăng nhập không phải là người nộp hồ sơ này, nên không thể trả lời phiếu. Nếu Ông/Bà là người nộp hồ sơ, vui lòng đăng nhập lại bằng tài khoản của chính mình.",
    eid_sign_in_again: "Đăng nhập bằng tài khoản khác",
    eid_unreachable_title: "Chưa kết nối được với hệ thống định danh điện tử",
    eid_unreachable_body: "Hệ thống định danh điện tử đang không trả lời, nên chưa thể đăng nhập. Phiếu khảo sát vẫn còn nguyên; vui lòng thử lại sau ít phút.",
    eid_retry: "Thử lại",
    eid_failed_title: "Không xác thực được đăng nhập",
    eid_failed_body: "Hệ thống không xác nhận được kết quả đăng nhập định danh điện tử. Vui lòng mở lại đường dẫn khảo sát và đăng nhập lại.",
    eid_expired_title: "Phiên đăng nhập đã hết hạn",
    eid_expired_body: "Phiên đăng nhập đã hết hạn hoặc đã được sử dụng. Vui lòng mở lại đường dẫn khảo sát và đăng nhập lại (trình duyệt cần cho phép cookie).",
    eid_limit_title: "Đã đạt giới hạn trong ngày",
    eid_limit_body: "Ông/Bà đã trả lời số phiếu khảo sát tối đa cho phép trong hôm nay. Vui lòng quay lại vào ngày mai; đường dẫn vẫn còn hiệu lực.",
};

pub static EN: Texts = Texts {
    switch_to: "Tiếng Việt",
    site: "Satisfaction survey",
    survey_title: "How satisfied were you?",
    survey_intro: "Please tell us how satisfied you are with the handling of your administrative procedure.",
    anonymous_note: "Your answers are stored anonymously: nobody, including the agency, can tell who answered.",
    agency: "Agency",
    procedure: "Procedure",
    likert: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    not_applicable: "Not applicable",
    dont_know: "Don't know / prefer not to say",
    yes: "Yes",
    no: "No",
    comment: "Anything else? (optional)",
    comment_hint: "At most 2,000 characters. Phone and ID numbers, e-mail addresses, vehicle plates and people's names in your comment are masked before it is stored.",
    submit: "Send my answers",
    fix_errors: "Please check the questions marked below.",
    out_of_range: "Please choose one of the options offered.",
    unknown_item: "This question is not part of the survey.",
    comment_too_long: "The comment is longer than 2,000 characters; please shorten it.",
    nothing_answered: "Please answer at least one question or write a comment.",
    thanks_title: "Thank you!",
    thanks_body: "Your answers have been recorded. They help the administration serve people better.",
    answered_title: "Already answered",
    answered_body: "The survey for this dossier has already been answered. Each dossier can be rated once.",
    expired_title: "This survey has expired",
    expired_body: "This survey link has expired. Each survey stays open for a limited time after the result is delivered.",
    unknown_title: "Survey not found",
    unknown_body: "The link is wrong or incomplete. Please scan the QR code on your receipt again.",
    form_expired_title: "The form has expired",
    form_expired_body: "For your security the form must be reloaded. Please open the survey link again and resend (your browser must allow cookies).",
    too_many_title: "Too many requests",
    stop_title: "Stop messages",
    stop_link: "Rather not get reminders about this dossier? Stop messages",
    stop_body: "You will get no more survey reminders about this dossier, and the phone number and e-mail given for the survey will be deleted at once. You can still answer the survey through this link if you wish.",
    stop_button: "Stop messages",
    stopped_title: "Messages stopped",
    stopped_body: "You will get no more messages about this dossier. Your phone number and e-mail have been deleted from the survey system.",
    too_many_body: "Please wait a moment and try again.",
    unavailable_title: "Temporarily unavailable",
    unavailable_body: "Please try again in a few minutes. Your answers have not been stored yet.",
    eid_title: "Confirm you are the applicant",
    eid_body: "This survey is only for the person who filed the dossier. Please sign in with your national electronic identity (VNeID) to continue.",
    eid_privacy: "Your sign-in is only compared with the dossier and then deleted; your answers are still stored anonymously.",
    eid_button: "Sign in with electronic identity",
    eid_mismatch_title: "This survey belongs to someone else",
    eid_mismatch_body: "The account that just signed in is not the applicant of this dossier, so it cannot answer this survey. If you filed the dossier, sign in again with your own account.",
    eid_sign_in_again: "Sign in as someone else",
    eid_unreachable_title: "The electronic identity service cannot be reached",
    eid_unreachable_body: "The electronic identity service is not answering, so signing in is not possible right now. Your survey is still waiting for you; please try again in a few minutes.",
    eid_retry: "Try again",
    eid_failed_title: "The sign-in could not be verified",
    eid_failed_body: "We could not confirm the result of the electronic identity sign-in. Please open the survey link again and sign in once more.",
    eid_expired_title: "The sign-in has expired",
    eid_expired_body: "The sign-in has expired or was already used. Please open the survey link again and sign in once more (your browser must allow cookies).",
    eid_limit_title: "Daily limit reached",
    eid_limit_body: "You have answered as many surveys as allowed today. Please come back tomorrow; the link stays valid.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr,vi;q=0.5,en;q=0.4"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("de"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
    }
}
