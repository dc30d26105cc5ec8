//! The demo: the units of the seeds' places (seven districts, their departments, bodies and communes,
//! with the 2019–2020 mergers), and one user per role, each with a generated password printed once.
//!
//! This is the one demo mechanism: later features add their records as further steps of [`ensure`].

use anyhow::Context;
use giaoban_domain::Lang;
use giaoban_domain::Localized;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::user::NewUser;
use giaoban_storage::Store;

use crate::units_file;

/// The units of the demo (see the file's header for its sources).
pub use giaoban::DEMO_UNITS_TOML as UNITS_TOML;

/// A demo user: username, name, title, role, unit key.
pub struct DemoUser {
    pub username: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub role: &'static str,
    pub unit: &'static str,
}

/// People named in the seeds, at the units that hold them.
pub const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        name: "Quản trị hệ thống",
        title: "Quản trị viên",
        role: "admin",
        unit: "cam-thuy-ubnd",
    },
    DemoUser {
        username: "camthuy.chutich",
        name: "Phạm Viết Hoài",
        title: "Chủ tịch UBND huyện",
        role: "leader",
        unit: "cam-thuy-ubnd",
    },
    DemoUser {
        username: "camthuy.vanphong",
        name: "Nguyễn Đình Hùng",
        title: "Chánh Văn phòng HĐND và UBND huyện",
        role: "office",
        unit: "cam-thuy-vp-hdnd-ubnd",
    },
    DemoUser {
        username: "camthuy.tckh",
        name: "Cán bộ Phòng Tài chính - Kế hoạch",
        title: "Chuyên viên",
        role: "member",
        unit: "cam-thuy-tckh",
    },
    DemoUser {
        username: "camngoc",
        name: "Cán bộ UBND xã Cẩm Ngọc",
        title: "Văn phòng - Thống kê",
        role: "member",
        unit: "cam-thuy-cam-ngoc",
    },
    DemoUser {
        username: "camtan",
        name: "Cán bộ UBND xã Cẩm Tân",
        title: "Văn phòng - Thống kê",
        role: "member",
        unit: "cam-thuy-cam-tan",
    },
    DemoUser {
        username: "thachha.chutich",
        name: "Nguyễn Văn Khoa",
        title: "Chủ tịch UBND huyện",
        role: "leader",
        unit: "thach-ha-ubnd",
    },
    DemoUser {
        username: "dinhban",
        name: "Ngô Văn Ngọc",
        title: "Bí thư Đảng ủy xã",
        role: "member",
        unit: "thach-ha-dinh-ban",
    },
];

/// Creates the accounts `users` and prints each one-time password.
async fn create_users(
    store: &Store,
    actor: &AuditActor,
    users: &[DemoUser],
    lang: Lang,
) -> anyhow::Result<()> {
    for u in users {
        let unit = store
            .unit_by_key(u.unit)
            .await?
            .with_context(|| format!("demo unit «{}»", u.unit))?;
        let new = NewUser::parse(u.username, u.name, Some(u.title), u.role, unit.id)
            .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
        let password =
            giaoban_app::passwords::generate_password().map_err(|e| anyhow::anyhow!("{e}"))?;
        let hash =
            giaoban_app::passwords::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
        // Demo passwords need no change at first sign-in: the demo is for looking around.
        store.create_user(actor, &new, &hash, false).await?;
        println!(
            "  {:<18} {:<24} {:<10} {}",
            u.username, password, u.role, unit.name
        );
    }
    Ok(())
}

/// Builds the demo data in an empty database and prints the passwords; leaves existing data alone.
/// The records of today are dated from `today` (the day of the build; a test fixes it).
pub async fn ensure(store: &Store, lang: Lang, today: jiff::civil::Date) -> anyhow::Result<()> {
    if store.user_count().await? > 0 {
        println!(
            "{}",
            lang.pick(
                "Dữ liệu demo đã có sẵn; mật khẩu đã được in khi tạo. Cấp mật khẩu mới: giaoban --data-dir giaoban-demo user reset-password admin (hoặc chạy lại với --reset).",
                "The demo data exists already; passwords were printed when it was made. New password: giaoban --data-dir giaoban-demo user reset-password admin (or run again with --reset)."
            )
        );
        return Ok(());
    }
    let actor = AuditActor::system("demo");
    let report = units_file::load(store, &actor, UNITS_TOML, lang).await?;
    println!(
        "{} {} {}",
        lang.pick("Đã tạo", "Created"),
        report.created,
        lang.pick("đơn vị demo.", "demo units.")
    );
    println!(
        "{}",
        lang.pick(
            "Tài khoản demo (mật khẩu chỉ hiện lần này):",
            "Demo accounts (passwords shown this once):"
        )
    );
    create_users(store, &actor, USERS, lang).await?;
    let records = crate::demo_cycle::ensure(store, &actor).await?;
    println!(
        "{} {} {}",
        lang.pick("Đã tạo", "Created"),
        records,
        lang.pick(
            "bản ghi cuộc họp, thông báo kết luận, nhiệm vụ và kiến nghị từ các văn bản mẫu.",
            "meeting, notice, task and recommendation records from the seed documents."
        )
    );
    let reports = crate::demo_reports::ensure(store, &actor).await?;
    println!(
        "{} {} {}",
        lang.pick("Đã tạo", "Created"),
        reports,
        lang.pick(
            "báo cáo định kỳ với số liệu của các văn bản mẫu (chỉ tiêu kế hoạch, tổng hợp, tình hình nộp).",
            "periodic reports with the seed documents' figures (plan targets, roll-ups, completeness)."
        )
    );
    let assessed = crate::demo_programmes::ensure(store, &actor, today).await?;
    println!(
        "{} {} {}",
        lang.pick("Đã tạo", "Created"),
        assessed,
        lang.pick(
            "đánh giá tiêu chí nông thôn mới của xã (Kỳ Anh 2017, Thạch Hà 2021, Bạch Thông 2018).",
            "commune new-rural criteria assessments (Kỳ Anh 2017, Thạch Hà 2021, Bạch Thông 2018)."
        )
    );
    // The reorganisation of 01/07/2025 and the province bodies of today.
    let today_units = crate::demo_today::ensure_units(store, &actor, lang).await?;
    println!(
        "{} {} {} {} {} {} {}",
        lang.pick(
            "Sắp xếp đơn vị hành chính 01/07/2025: đã tạo",
            "Reorganisation of 01/07/2025: created"
        ),
        today_units.created,
        lang.pick(
            "đơn vị (xã, phường mới và đơn vị cũ chưa có trong demo), kết thúc",
            "units (the new communes and wards, and old units the demo lacked), ended"
        ),
        today_units.ended,
        lang.pick("đơn vị cũ; thêm", "old units; added"),
        today_units.bodies,
        lang.pick("cơ quan cấp tỉnh.", "province bodies."),
    );
    println!(
        "{}",
        lang.pick(
            "Tài khoản của hôm nay (tỉnh và xã sau sắp xếp 2025):",
            "Accounts of today (province and communes after the 2025 reorganisation):"
        )
    );
    create_users(store, &actor, crate::demo_today::USERS, lang).await?;
    let records = crate::demo_today::ensure(store, &actor, today).await?;
    println!(
        "{} {} {} {}",
        lang.pick("Đã tạo", "Created"),
        records,
        lang.pick(
            "bản ghi của hôm nay (giao ban tháng trước của UBND tỉnh Thanh Hóa, nhiệm vụ, báo cáo tháng, nông thôn mới), tính từ ngày",
            "records of today (last month's giao ban of UBND tỉnh Thanh Hóa, tasks, the monthly report, new rural) dated from"
        ),
        today.strftime("%d/%m/%Y")
    );
    Ok(())
}
