//! Loading the reorganisation of 1 July 2025 (`giaoban_app::reorganisation`) onto a store that
//! already holds a district of before, on SQLite or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL:
//! the new units of Thanh Hóa, the fixture's old units found and given their successors (by code,
//! or by name where the fixture's code is not the GSO one), the district's bodies ended for the
//! handover, a second load changing nothing, and the whole country.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, assert_forbidden};
use giaoban_app::reorganisation::{bundled, load, load_for};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::reorganisation::{LAST_DAY_BEFORE, REFORM_DAY};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitKind};
use giaoban_storage::StoreError;
use giaoban_storage::audit::AuditFilter;

fn actor() -> AuditActor {
    AuditActor::system("test")
}

fn names<'a>(units: impl IntoIterator<Item = &'a Unit>) -> BTreeSet<String> {
    units.into_iter().map(|u| u.name.clone()).collect()
}

async fn audit_count(f: &Fixture) -> usize {
    f.store()
        .audit_entries(&AuditFilter {
            entity: Some("unit".into()),
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len()
}

#[tokio::test]
async fn thanh_hoa_of_today_with_the_cam_thuy_communes_and_their_successors() {
    let f = Fixture::new().await;
    let u = f.units;
    let data = bundled().expect("bundled data");
    let loaded = load(&f.app, &actor(), &data, &["38".into()])
        .await
        .expect("loads Thanh Hóa");
    let s = &loaded;
    assert_eq!((s.active_provinces, s.active_communes), (1, 166));
    // The fixture's district, its two communes, Bá Thước and Điền Quang are found, not created
    // again; the district's committee and its finance department end without a successor.
    assert_eq!(s.old_units_ended, 5, "{s:?}");
    assert_eq!(s.ended_without_successor, 2, "{s:?}");

    let all = f.store().units().await.expect("units");
    let tree = UnitTree::new(&all);
    let today = jiff::civil::date(2026, 12, 6);
    let active: Vec<&Unit> = tree
        .preorder(Some(u.province))
        .into_iter()
        .map(|(x, _)| x)
        .filter(|x| x.kind.is_commune_level() && x.is_active_on(today))
        .collect();
    assert_eq!(active.len(), 166);
    assert_eq!(
        active.iter().filter(|x| x.kind == UnitKind::Ward).count(),
        19
    );
    assert!(active.iter().all(|x| x.parent_id == Some(u.province)));
    // The province goes on as the same unit; the district ended.
    let province = tree.get(u.province).expect("province");
    assert_eq!(province.active_to, None);
    let district = tree.get(u.district).expect("district");
    assert_eq!(district.active_to, Some(LAST_DAY_BEFORE));
    for body in [u.ubnd, u.tckh] {
        let b = tree.get(body).expect("body");
        assert_eq!((b.active_to, b.merged_into), (Some(LAST_DAY_BEFORE), None));
        assert!(tree.living_successor(body, today).is_none());
    }

    // The five new communes of the old Cẩm Thủy and what they were formed from (issue 24, checked
    // against vietnamadminunits 1.0.4's converter).
    let new_named = |name: &str| {
        *active
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{name} is active today"))
    };
    let expected = [
        ("Xã Cẩm Thủy", vec!["Thị trấn Phong Sơn", "Xã Cẩm Ngọc"]),
        (
            "Xã Cẩm Tân",
            vec!["Xã Cẩm Long", "Xã Cẩm Phú", "Xã Cẩm Tân"],
        ),
        (
            "Xã Cẩm Thạch",
            vec!["Xã Cẩm Bình", "Xã Cẩm Liên", "Xã Cẩm Thạch", "Xã Cẩm Thành"],
        ),
        (
            "Xã Cẩm Tú",
            vec!["Xã Cẩm Giang", "Xã Cẩm Lương", "Xã Cẩm Quý", "Xã Cẩm Tú"],
        ),
        (
            "Xã Cẩm Vân",
            vec!["Xã Cẩm Châu", "Xã Cẩm Tâm", "Xã Cẩm Vân", "Xã Cẩm Yên"],
        ),
    ];
    for (new, olds) in expected {
        let n = new_named(new);
        assert_eq!(n.active_from, Some(REFORM_DAY));
        let got = names(tree.merged_from(n.id));
        let want: BTreeSet<String> = olds.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, want, "predecessors of {new}");
    }
    // The fixture's own Cẩm Ngọc (found by code) now names the new Xã Cẩm Thủy, and its history
    // goes there; Điền Quang (its fixture code is not the GSO one) was found by name.
    let cam_ngoc = tree.get(u.cam_ngoc).expect("Cẩm Ngọc");
    assert_eq!(cam_ngoc.merged_into, Some(new_named("Xã Cẩm Thủy").id));
    assert!(
        tree.rollup_targets(u.cam_ngoc)
            .contains(&new_named("Xã Cẩm Thủy").id)
    );
    let dien_quang = tree.get(u.dien_quang).expect("Điền Quang");
    assert_eq!(dien_quang.merged_into, Some(new_named("Xã Điền Quang").id));
    // A divided unit names every successor, the default first.
    let son_lu = all
        .iter()
        .find(|x| x.name == "Thị trấn Sơn Lư")
        .expect("old Sơn Lư");
    assert_eq!(son_lu.successors().count(), 2);
    assert_eq!(
        tree.get(son_lu.merged_into.expect("default"))
            .map(|x| x.admin_code.clone()),
        Some(Some("15016".into()))
    );

    // Every unit written is in the audit trail; a second load writes nothing.
    let audited = audit_count(&f).await;
    let again = load(&f.app, &actor(), &data, &["38".into()])
        .await
        .expect("loads again");
    assert_eq!(
        (again.units_created, again.units_ended),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(again.levels_written, 0);
    assert_eq!(audit_count(&f).await, audited);
}

#[tokio::test]
async fn only_an_administrator_loads_it_from_the_api_and_a_stale_plan_writes_nothing() {
    let f = Fixture::new().await;
    let data = bundled().expect("bundled data");
    let office = f.caller("office").await;
    assert_forbidden(load_for(&f.app, &office, &data, &["42".into()]).await);
    let before = f.store().units().await.expect("units").len();

    // A unit changed between the plan and the write: the whole load is refused, nothing is
    // half-written.
    let levels = f.store().levels().await.expect("levels");
    let units = f.store().units().await.expect("units");
    let plan =
        giaoban_domain::reorganisation::plan(&data, &units, &levels, &["38".into()]).expect("plan");
    let cam_tan = f.store().unit(f.units.cam_tan).await.expect("unit");
    let mut contact = cam_tan.contact.clone();
    contact.phone = Some("0237 3876 111".into());
    f.store()
        .set_unit_contact(&actor(), cam_tan.id, &contact, None)
        .await
        .expect("contact");
    let err = f
        .store()
        .apply_reorganisation(&actor(), &plan)
        .await
        .expect_err("stale");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(f.store().units().await.expect("units").len(), before);

    let admin = f.caller("admin").await;
    let loaded = load_for(&f.app, &admin, &data, &["42".into()])
        .await
        .expect("an administrator loads Hà Tĩnh");
    assert_eq!(loaded.active_communes, 69);
    let err = load_for(&f.app, &admin, &data, &["99".into()])
        .await
        .expect_err("no such province");
    assert!(err.message(giaoban_domain::Lang::Vi).contains("99"));
}

#[tokio::test]
async fn the_whole_country_loads_with_its_3321_communes() {
    let f = Fixture::new().await;
    let data = bundled().expect("bundled data");
    let started = std::time::Instant::now();
    let loaded = load(&f.app, &actor(), &data, &[])
        .await
        .expect("loads the country");
    let took = started.elapsed();
    let s = &loaded;
    assert_eq!((s.active_provinces, s.active_communes), (34, 3321));
    let all = f.store().units().await.expect("units");
    let today = jiff::civil::date(2026, 12, 6);
    let active_communes = all
        .iter()
        .filter(|x| x.kind.is_commune_level() && x.is_active_on(today))
        .count();
    let active_provinces = all
        .iter()
        .filter(|x| x.kind == UnitKind::Province && x.is_active_on(today))
        .count();
    assert_eq!((active_provinces, active_communes), (34, 3321));
    let special = all
        .iter()
        .filter(|x| x.kind == UnitKind::SpecialZone)
        .count();
    assert_eq!(special, 13);
    // Each of the 10 040 communes of before ended on 30/06/2025 into one that is active today.
    let tree = UnitTree::new(&all);
    let old = all
        .iter()
        .filter(|x| x.kind.is_commune_level() && x.active_to == Some(LAST_DAY_BEFORE))
        .collect::<Vec<_>>();
    assert!(old.len() >= 10_035, "{}", old.len());
    assert!(old.iter().all(|x| {
        tree.living_successor(x.id, today)
            .is_some_and(|s| s.active_from == Some(REFORM_DAY))
    }));
    println!(
        "whole country on {}: {} units written ({} active provinces, {} active communes) in {:.1} s",
        if std::env::var("GIAOBAN_TEST_DATABASE_URL").is_ok() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        loaded.units_created,
        active_provinces,
        active_communes,
        took.as_secs_f64()
    );
}
