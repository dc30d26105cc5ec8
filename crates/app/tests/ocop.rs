//! The OCOP register's use cases (`giaoban_app::ocop`) against a fresh store, on SQLite or, with
//! GIAOBAN_TEST_DATABASE_URL, PostgreSQL: a commune records its producers, products (their stars
//! from the score) and support payments; another commune may neither write nor read them.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body};
use giaoban_app::ocop::{self, PaymentWrite, ProductWrite};
use giaoban_domain::Lang;
use serde_json::json;

#[tokio::test]
async fn a_communes_product_is_rated_by_its_score_and_seen_by_its_district_only() {
    let f = Fixture::new().await;
    let u = f.units;
    let camngoc = f.caller("camngoc").await;
    let producer = ocop::create_producer(
        &f.app,
        &camngoc,
        &body(
            json!({"commune_id": u.cam_ngoc.0, "name": "HTX Nông nghiệp Cẩm Ngọc",
                     "kind": "hop_tac_xa"}),
        ),
    )
    .await
    .expect("producer");
    // 30 + 15 + 20 = 65 points: three stars, certified by the district in 2020.
    let product = ocop::create_product(
        &f.app,
        &camngoc,
        producer.id,
        &body::<ProductWrite>(json!({
            "name": "Bưởi Cẩm Ngọc", "score_community": 30, "score_marketing": 15,
            "score_quality": 20, "certifying_level": "district", "certified_on": "15/12/2020",
        })),
    )
    .await
    .expect("product");
    assert_eq!(product.stars, Some(3));
    assert_eq!(
        product.expires_on.map(|d| d.to_string()).as_deref(),
        Some("2023-12-15")
    );
    // More points, more stars: 35 + 20 + 30 = 85 is four, and the district may not certify it.
    assert_invalid(
        ocop::create_product(
            &f.app,
            &camngoc,
            producer.id,
            &body::<ProductWrite>(json!({
                "name": "Mật ong Cẩm Ngọc", "score_community": 35, "score_marketing": 20,
                "score_quality": 30, "certifying_level": "district", "certified_on": "2021-06-01",
            })),
        )
        .await,
        "ocop.level_too_low",
    );
    let four = ocop::create_product(
        &f.app,
        &camngoc,
        producer.id,
        &body::<ProductWrite>(json!({
            "name": "Mật ong Cẩm Ngọc", "score_community": 35, "score_marketing": 20,
            "score_quality": 30, "certifying_level": "province", "certified_on": "2021-06-01",
        })),
    )
    .await
    .expect("a four-star product");
    assert_eq!(four.stars, Some(4));

    let office = f.caller("office").await;
    let seen = ocop::overview(&f.app, &office, Lang::Vi)
        .await
        .expect("overview");
    let line = seen
        .products
        .iter()
        .find(|p| p.id == product.id)
        .expect("the district sees the commune's product");
    assert_eq!((line.stars, line.stars_label.as_str()), (Some(3), "★★★"));
    assert_eq!(line.score, Some(65));
    assert_eq!(seen.producers[0].products, 2);
    // The neighbour and the other district see nothing of it.
    for who in ["camtan", "leader_bt"] {
        let me = f.caller(who).await;
        let theirs = ocop::overview(&f.app, &me, Lang::Vi)
            .await
            .expect("overview");
        assert!(
            theirs.producers.is_empty() && theirs.products.is_empty(),
            "{who}"
        );
    }
}

#[tokio::test]
async fn only_the_communes_people_and_its_district_write_its_register() {
    let f = Fixture::new().await;
    let u = f.units;
    let camtan = f.caller("camtan").await;
    // A producer of another commune, or of a body that is not a commune.
    assert_forbidden(
        ocop::create_producer(
            &f.app,
            &camtan,
            &body(json!({"commune_id": u.cam_ngoc.0, "name": "Cơ sở chè Cẩm Ngọc"})),
        )
        .await,
    );
    let office = f.caller("office").await;
    assert_invalid(
        ocop::create_producer(
            &f.app,
            &office,
            &body(json!({"commune_id": u.tckh.0, "name": "Cơ sở không thuộc xã"})),
        )
        .await,
        "ocop.not_a_commune",
    );
    // The district's office records one for Cẩm Ngọc; Cẩm Tân may add nothing to it.
    let producer = ocop::create_producer(
        &f.app,
        &office,
        &body(json!({"commune_id": u.cam_ngoc.0, "name": "Cơ sở chè Cẩm Ngọc"})),
    )
    .await
    .expect("producer");
    let product: ProductWrite = body(json!({"name": "Chè xanh Cẩm Ngọc"}));
    assert_forbidden(ocop::create_product(&f.app, &camtan, producer.id, &product).await);
    let payment: PaymentWrite = body(json!({"paid_on": "2023-05-10",
                                            "amount_vnd": "50.000.000",
                                            "basis": "NQ 123/2018/NQ-HĐND"}));
    assert_forbidden(ocop::add_payment(&f.app, &camtan, producer.id, &payment).await);

    let camngoc = f.caller("camngoc").await;
    let paid = ocop::add_payment(&f.app, &camngoc, producer.id, &payment)
        .await
        .expect("payment");
    assert_eq!(paid.amount_vnd, 50_000_000);
    let second: PaymentWrite = body(json!({"paid_on": "2023-09-01", "amount_vnd": 25000000}));
    ocop::add_payment(&f.app, &camngoc, producer.id, &second)
        .await
        .expect("payment");
    let seen = ocop::overview(&f.app, &camngoc, Lang::Vi)
        .await
        .expect("overview");
    assert_eq!(seen.payments.len(), 2);
    assert_eq!(seen.payments_total_label, "75.000.000 đồng");
}
