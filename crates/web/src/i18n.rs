//! Interface texts in Vietnamese and English, and the choice of language for a request.
//!
//! The texts are one struct with a constant per language: a missing translation is a compile error,
//! and templates refer to fields (`t.sign_in`), which askama checks at compile time too.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use giaoban_domain::Lang;

/// The language cookie set by the language switch on every page.
pub const LANG_COOKIE: &str = "giaoban_lang";

/// Chooses the language: `?lang=` first, then the language cookie, then `Accept-Language`;
/// Vietnamese when nothing says otherwise.
pub fn request_lang(headers: &HeaderMap, uri: &Uri) -> Lang {
    if let Some(q) = uri.query() {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            if k == "lang"
                && let Some(l) = Lang::parse(&v)
            {
                return l;
            }
        }
    }
    for cookie in headers.get_all(header::COOKIE) {
        let Ok(s) = cookie.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, v)) = part.trim().split_once('=')
                && k == LANG_COOKIE
                && let Some(l) = Lang::parse(v)
            {
                return l;
            }
        }
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Extractor for the request's language.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(request_lang(&parts.headers, &parts.uri)))
    }
}

/// Every interface text.
pub struct Texts {
    pub lang: &'static str,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub other_lang_code: &'static str,
    pub other_lang_label: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub change_password: &'static str,
    pub password_changed: &'static str,
    pub must_change_password: &'static str,
    pub home: &'static str,
    pub units: &'static str,
    pub unit: &'static str,
    pub users: &'static str,
    pub audit: &'static str,
    pub role: &'static str,
    pub scope: &'static str,
    pub welcome: &'static str,
    pub unit_tree: &'static str,
    pub as_of: &'static str,
    pub search: &'static str,
    pub show: &'static str,
    pub kind: &'static str,
    pub level: &'static str,
    pub admin_code: &'static str,
    pub aliases: &'static str,
    pub abbreviations: &'static str,
    pub parent: &'static str,
    pub children: &'static str,
    pub active_from: &'static str,
    pub active_to: &'static str,
    pub merged_into: &'static str,
    pub merged_from: &'static str,
    pub inactive: &'static str,
    pub contact: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub head_name: &'static str,
    pub head_title: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub display_name: &'static str,
    pub title: &'static str,
    pub create_user: &'static str,
    pub user_created: &'static str,
    pub one_time_password: &'static str,
    pub reset_password: &'static str,
    pub active: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub record: &'static str,
    pub changes: &'static str,
    pub older: &'static str,
    pub back_home: &'static str,
    pub error_title: &'static str,
    pub nothing_here: &'static str,
    pub count_units: &'static str,
    pub note: &'static str,
}

pub static VI: Texts = Texts {
    lang: "vi",
    app_name: "Giao ban",
    tagline: "Giao ban, kết luận, theo dõi nhiệm vụ và báo cáo định kỳ",
    other_lang_code: "en",
    other_lang_label: "English",
    sign_in: "Đăng nhập",
    sign_out: "Đăng xuất",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới",
    repeat_password: "Nhập lại mật khẩu mới",
    change_password: "Đổi mật khẩu",
    password_changed: "Đã đổi mật khẩu.",
    must_change_password: "Mật khẩu của bạn do hệ thống cấp. Hãy đặt mật khẩu riêng.",
    home: "Trang chủ",
    units: "Đơn vị",
    unit: "Đơn vị",
    users: "Người dùng",
    audit: "Nhật ký thay đổi",
    role: "Vai trò",
    scope: "Phạm vi",
    welcome: "Xin chào",
    unit_tree: "Cây đơn vị",
    as_of: "Tại ngày",
    search: "Tìm",
    show: "Xem",
    kind: "Loại",
    level: "Cấp",
    admin_code: "Mã hành chính",
    aliases: "Tên gọi khác",
    abbreviations: "Viết tắt",
    parent: "Trực thuộc",
    children: "Đơn vị trực thuộc",
    active_from: "Hoạt động từ",
    active_to: "Hoạt động đến",
    merged_into: "Đã sáp nhập vào",
    merged_from: "Được hình thành từ",
    inactive: "không còn hoạt động",
    contact: "Thông tin liên hệ",
    address: "Địa chỉ",
    phone: "Điện thoại",
    email: "Thư điện tử",
    head_name: "Người đứng đầu",
    head_title: "Chức vụ người đứng đầu",
    save: "Lưu",
    saved: "Đã lưu.",
    display_name: "Họ và tên",
    title: "Chức vụ",
    create_user: "Tạo người dùng",
    user_created: "Đã tạo người dùng. Mật khẩu dùng một lần (chỉ hiện một lần, hãy chuyển cho người dùng):",
    one_time_password: "Mật khẩu dùng một lần",
    reset_password: "Cấp lại mật khẩu",
    active: "Đang hoạt động",
    yes: "Có",
    no: "Không",
    when: "Thời gian",
    who: "Người thực hiện",
    action: "Thao tác",
    record: "Bản ghi",
    changes: "Thay đổi",
    older: "Cũ hơn",
    back_home: "Về trang chủ",
    error_title: "Không thực hiện được",
    nothing_here: "Chưa có dữ liệu.",
    count_units: "đơn vị",
    note: "Ghi chú",
};

pub static EN: Texts = Texts {
    lang: "en",
    app_name: "Giao ban",
    tagline: "Review meetings, conclusions, task follow-up and periodic reports",
    other_lang_code: "vi",
    other_lang_label: "Tiếng Việt",
    sign_in: "Sign in",
    sign_out: "Sign out",
    username: "Username",
    password: "Password",
    current_password: "Current password",
    new_password: "New password",
    repeat_password: "Repeat the new password",
    change_password: "Change password",
    password_changed: "Password changed.",
    must_change_password: "Your password was issued by the system. Please choose your own.",
    home: "Home",
    units: "Units",
    unit: "Unit",
    users: "Users",
    audit: "Audit trail",
    role: "Role",
    scope: "Scope",
    welcome: "Welcome",
    unit_tree: "Unit tree",
    as_of: "As of",
    search: "Search",
    show: "Show",
    kind: "Kind",
    level: "Level",
    admin_code: "Administrative code",
    aliases: "Other names",
    abbreviations: "Abbreviations",
    parent: "Belongs to",
    children: "Sub-units",
    active_from: "Active from",
    active_to: "Active until",
    merged_into: "Merged into",
    merged_from: "Formed from",
    inactive: "no longer active",
    contact: "Contact details",
    address: "Address",
    phone: "Phone",
    email: "E-mail",
    head_name: "Head",
    head_title: "Head's title",
    save: "Save",
    saved: "Saved.",
    display_name: "Full name",
    title: "Title",
    create_user: "Create user",
    user_created: "User created. One-time password (shown once only; pass it to the user):",
    one_time_password: "One-time password",
    reset_password: "Reset password",
    active: "Active",
    yes: "Yes",
    no: "No",
    when: "When",
    who: "Who",
    action: "Action",
    record: "Record",
    changes: "Changes",
    older: "Older",
    back_home: "Back to home",
    error_title: "Could not be done",
    nothing_here: "Nothing here yet.",
    count_units: "units",
    note: "Note",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
