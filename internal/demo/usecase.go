package demo

// useCase is a kind of request an organisation files: for one API, who
// files it, how it is titled and described, on which legal basis and with
// which scopes. The use cases follow the prefilled forms DataPass offers.
type useCase struct {
	definition string
	weight     int
	kinds      []orgKind
	// subject is what a deliberation attached as legal basis governs.
	subject    string
	titles     []string
	summaries  []string // the first paragraph of a description
	details    []string // further paragraphs, for long descriptions
	bases      []basis
	scopeSets  [][]string
	optional   []string // scopes some applicants add
	excess     []string // scopes some applicants ask for without need
	recipients []string
	// controllers are job titles of the controller; by default those of
	// the organisation's kind.
	controllers []string
}

// basis is a legal basis: the text cited, a link to it, and whether a
// deliberation is usually attached.
type basis struct {
	nature   string
	url      string
	document bool
}

// Légifrance and other links of the legal bases.
const (
	urlCRPAL1148     = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315"
	urlCRPA          = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350/"
	urlCASFCCAS      = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031106561/"
	urlCASFCCASCNAF  = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000038833680/"
	urlCASF          = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006074069/"
	urlEducation     = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006071191/"
	urlTransports    = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000023086525/"
	urlCGCT          = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/"
	urlSecuSociale   = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006073189/"
	urlUrbanisme     = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006074075/"
	urlCCPR214313    = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730589"
	urlDecret201931  = "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000038029589/"
	urlRepNumerique  = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000033202746/"
	urlVigilance     = "https://www.legifrance.gouv.fr/codes/id/LEGIARTI000018520702/2011-12-31/"
	urlArreteFC      = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000037611479"
	urlArreteFCSante = "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000045457991"
	urlDecisionDINUM = "https://www.info.gouv.fr/sites/default/files/contenu/piece-jointe/2021/05/20210601-dinum-ac-creation_agentconnect-vf.pdf"
	natureCRPA       = "Article L114-8 du code des relations entre le public et l'administration (CRPA)"
	natureImpot      = "Règlement (UE) 2016/679 (RGPD) ; articles L. 114-8 et suivants du code des relations entre le public et l'administration ; délibération de la collectivité"
	natureDecret     = "Décret n° 2019-31 du 18 janvier 2019 relatif aux échanges d'informations et de données entre administrations dans le cadre des démarches administratives"
	natureArreteFC   = "Arrêté du 8 novembre 2018 relatif au téléservice FranceConnect"
	natureCantine    = "Article L114-8 du CRPA ; article R531-52 du code de l'éducation, qui confie aux collectivités compétentes la fixation des tarifs de la restauration scolaire"
	natureTransports = "Articles L1231-1 et L1231-3 du code des transports ; article L114-8 du CRPA ; délibération instaurant la tarification solidaire"
	natureParking    = "Articles L2333-87 et L2333-87-3 du code général des collectivités territoriales ; article L114-8 du CRPA"
	natureCCAS       = "Articles L.123-5 et R.123-2 du code de l'action sociale et des familles ; article L114-8 du CRPA ; règlement des aides facultatives adopté par le conseil d'administration"
)

// defaultUseCases returns the built-in use cases; weights sum to 1,000.
func defaultUseCases() []useCase {
	var all []useCase
	all = append(all, particulierUseCases()...)
	all = append(all, entrepriseUseCases()...)
	all = append(all, impotUseCases()...)
	all = append(all, identityUseCases()...)
	all = append(all, otherUseCases()...)
	return all
}

// enfanceDetails are paragraphs common to the pricing of children's
// services.
func enfanceDetails() []string {
	return []string{
		"Le tarif est calculé une fois par an, à la rentrée, puis à la demande de la famille en cas de changement de situation. Seul le quotient familial est conservé dans le dossier de la famille ; les autres données ne sont affichées à l'agent qu'au moment de l'instruction.",
		"Les familles qui ne souhaitent pas que leur quotient familial soit récupéré automatiquement peuvent toujours déposer leur attestation au guichet ; une mention d'information figure sur le formulaire d'inscription.",
		"Le portail famille est édité par notre prestataire, qui l'héberge en France ; l'appel à l'API est fait depuis le serveur de l'éditeur et le jeton n'est jamais exposé au navigateur.",
	}
}

// particulierUseCases are the use cases of API Particulier, after the
// forms DataPass prefills for them.
func particulierUseCases() []useCase {
	return append(childhoodUseCases(), socialUseCases()...)
}

// childhoodUseCases price school canteens, childcare and leisure.
func childhoodUseCases() []useCase {
	const def = "api_particulier"
	qf := []string{"cnaf_quotient_familial"}
	return []useCase{
		{
			definition: def, weight: 70, kinds: []orgKind{kindCommune}, subject: "tarifs de la restauration scolaire",
			titles: []string{"Tarification de la restauration scolaire selon le quotient familial", "Cantine scolaire : calcul automatique du tarif au quotient familial",
				"Portail famille – tarifs de la cantine et de la garderie", "Restauration scolaire et accueils périscolaires : tarification sociale"},
			summaries: []string{
				"La commune {de ville} applique aux repas de ses écoles publiques une grille tarifaire fondée sur le quotient familial. Les familles fournissent aujourd'hui chaque année une attestation CAF au guichet unique ; l'API permettra de récupérer leur quotient familial lors de l'inscription sur le portail famille.",
				"Environ {n} enfants déjeunent chaque jour dans les restaurants scolaires {de ville}. Le tarif du repas dépend du quotient familial, que les agents du service éducation saisissent aujourd'hui à partir de justificatifs papier : nous souhaitons supprimer cette pièce justificative.",
			},
			details:   enfanceDetails(),
			bases:     []basis{{natureCantine, urlEducation, true}, {natureCantine, urlCRPAL1148, true}},
			scopeSets: [][]string{qf, {"cnaf_quotient_familial", "cnaf_allocataires"}, {"cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants"}},
			optional:  []string{"cnaf_adresse"},
			excess:    []string{"cnaf_adresse", "cnaf_enfants", "pole_emploi_identite", "complementaire_sante_solidaire"},
			recipients: []string{"Agents du service éducation et du guichet unique famille", "Agents de la régie de la restauration scolaire",
				"Agents habilités du service scolaire et périscolaire"},
		},
		{
			definition: def, weight: 60, kinds: []orgKind{kindCommune}, subject: "tarifs des accueils périscolaires et extrascolaires",
			titles: []string{"Inscription aux activités périscolaires", "Tarification des accueils de loisirs sans hébergement (ALSH)",
				"Calcul du quotient familial pour les activités enfance et jeunesse", "Tarification des centres de loisirs et des mercredis"},
			summaries: []string{
				"Le service enfance {de ville} propose des accueils du matin et du soir, des mercredis et des vacances dont le tarif dépend du quotient familial. Les données seront récupérées lors de l'inscription en ligne, pour ne plus demander l'attestation CAF aux familles.",
				"La ville {de ville} souhaite simplifier l'inscription de près de {n} enfants aux activités périscolaires et extrascolaires : le quotient familial sera récupéré auprès de la CAF et de la MSA pour calculer le tarif applicable.",
			},
			details:    enfanceDetails(),
			bases:      []basis{{natureCRPA + " ; délibération du conseil municipal fixant les tarifs des accueils périscolaires selon le quotient familial", urlCRPAL1148, true}},
			scopeSets:  [][]string{qf, {"cnaf_quotient_familial", "cnaf_allocataires"}, {"cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants", "cnaf_adresse"}},
			optional:   []string{"cnav_allocation_enfant_handicape"},
			excess:     []string{"cnaf_adresse", "prime_activite", "revenu_solidarite_active"},
			recipients: []string{"Agents du service enfance-jeunesse", "Directeurs des accueils de loisirs et agents du guichet famille"},
		},
		{
			definition: def, weight: 40, kinds: []orgKind{kindCommune, kindEPCI}, subject: "participations familiales des établissements d'accueil du jeune enfant",
			titles: []string{"Tarification sociale des établissements d'accueil du jeune enfant", "Calcul de la participation familiale en crèche (PSU)",
				"Crèches : calcul du tarif horaire des familles"},
			summaries: []string{
				"Les crèches {de ville} appliquent le barème national des participations familiales (prestation de service unique). Le tarif horaire est calculé à partir des ressources et de la composition du foyer connues de la CAF ; l'API remplacera la consultation manuelle par les agents.",
				"Le service petite enfance gère {n} places en multi-accueil. Chaque contrat d'accueil nécessite de calculer la participation familiale ; les paramètres de calcul seront récupérés par l'API au moment de la signature du contrat et lors de la révision annuelle.",
			},
			details: enfanceDetails(),
			bases:   []basis{{natureCRPA + " ; barème national des participations familiales (prestation de service unique) appliqué par délibération", urlCRPAL1148, true}},
			scopeSets: [][]string{
				{"cnav_participation_familiale_eaje_allocataires", "cnav_participation_familiale_eaje_enfants", "cnav_participation_familiale_eaje_adresse", "cnav_participation_familiale_eaje_parametres_calcul"},
				{"cnav_participation_familiale_eaje_parametres_calcul", "cnav_participation_familiale_eaje_enfants"},
			},
			excess:     []string{"cnaf_quotient_familial", "cnaf_adresse"},
			recipients: []string{"Directrices des établissements d'accueil du jeune enfant et agents du service petite enfance"},
		},
		{
			definition: def, weight: 50, kinds: []orgKind{kindCCAS}, subject: "règlement des aides sociales facultatives",
			titles: []string{"Instruction des demandes d'aides sociales facultatives", "Aides sociales du CCAS",
				"Attribution des aides facultatives et secours d'urgence", "Tarification solidaire des services du CCAS"},
			summaries: []string{
				"Le CCAS {de ville} instruit chaque année environ {n} demandes d'aides facultatives (aide alimentaire, aide à l'énergie, secours d'urgence). Les conditions d'attribution, fixées par le conseil d'administration, reposent sur le quotient familial et la perception de certaines prestations.",
				"Les travailleurs sociaux du CCAS {de ville} reçoivent les demandeurs sur rendez-vous et constituent un dossier papier. L'API permettra de vérifier en séance le quotient familial et les prestations perçues, sans que la personne ait à rapporter ses justificatifs.",
			},
			details: []string{
				"Le règlement des aides facultatives fixe des plafonds de quotient familial et des montants d'aide par composition familiale ; la décision est prise par la commission permanente du CCAS.",
				"Les données consultées ne sont pas imprimées ; seule la décision d'attribution et son motif sont conservés dans le logiciel d'action sociale.",
			},
			bases:      []basis{{natureCCAS, urlCASFCCAS, true}, {natureCCAS, urlCASFCCASCNAF, true}},
			scopeSets:  [][]string{{"cnaf_quotient_familial", "cnaf_allocataires"}, {"cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants", "cnaf_adresse"}, {"cnaf_quotient_familial", "revenu_solidarite_active", "allocation_adulte_handicape"}, {"cnaf_quotient_familial", "complementaire_sante_solidaire"}},
			optional:   []string{"allocation_soutien_familial", "prime_activite"},
			excess:     []string{"pole_emploi_paiements", "cnous_statut_boursier", "men_statut_boursier"},
			recipients: []string{"Travailleurs sociaux et agents instructeurs du CCAS", "Agents du service des aides facultatives"},
		},
	}
}

// socialUseCases grant social aid, price transport, parking and secondary
// school canteens, and check students for recruitment.
func socialUseCases() []useCase {
	const def = "api_particulier"
	return []useCase{
		{
			definition: def, weight: 20, kinds: []orgKind{kindDepartement, kindRegion}, subject: "règlement des aides facultatives",
			titles: []string{"Aides facultatives départementales", "Instruction des aides départementales aux familles", "Aides facultatives régionales"},
			summaries: []string{
				"La collectivité instruit des aides facultatives (aide à la mobilité, aide aux vacances, fonds d'aide aux jeunes) dont l'attribution dépend des ressources du foyer. Les agents instructeurs consulteront les données au moment de l'instruction, sans les conserver au-delà de la décision.",
			},
			details:    []string{"Près de {n} dossiers sont instruits chaque année par les maisons départementales des solidarités."},
			bases:      []basis{{natureCRPA + " ; aides attribuées sur délibération de la collectivité", urlCRPAL1148, true}},
			scopeSets:  [][]string{{"cnaf_allocataires", "cnaf_adresse", "cnaf_enfants"}, {"cnaf_quotient_familial", "cnav_allocation_rentree_scolaire"}, {"revenu_solidarite_active", "prime_activite"}},
			excess:     []string{"pole_emploi_contact", "cnous_email"},
			recipients: []string{"Agents instructeurs des maisons départementales des solidarités"},
		},
		{
			definition: def, weight: 45, kinds: []orgKind{kindEPCI}, subject: "tarification solidaire du réseau de transport",
			titles: []string{"Tarification solidaire des transports en commun", "Abonnements à tarif réduit du réseau de transport",
				"Tarification sociale des transports", "Gratuité des transports pour les demandeurs d'emploi"},
			summaries: []string{
				"{Org} accorde des réductions sur les abonnements de son réseau de bus et de tramway selon le quotient familial ou la situation des usagers (demandeurs d'emploi, bénéficiaires de la complémentaire santé solidaire, étudiants boursiers). L'API permettra de vérifier l'éligibilité en ligne, sans passage en agence.",
				"Environ {n} abonnés bénéficient chaque année de la tarification solidaire. Les droits sont aujourd'hui ouverts en agence sur présentation de justificatifs ; l'application de billettique vérifiera l'éligibilité au moment de l'achat de l'abonnement.",
			},
			details:     []string{"Les droits à tarif réduit sont ouverts pour douze mois ; à l'échéance, l'éligibilité est vérifiée de nouveau avec l'accord de l'abonné."},
			bases:       []basis{{natureTransports, urlTransports, true}},
			scopeSets:   [][]string{{"cnaf_quotient_familial", "cnaf_allocataires"}, {"pole_emploi_identite", "pole_emploi_inscription"}, {"complementaire_sante_solidaire"}, {"cnous_statut_boursier", "cnous_echelon_bourse"}, {"cnaf_quotient_familial", "revenu_solidarite_active", "complementaire_sante_solidaire"}},
			optional:    []string{"allocation_adulte_handicape"},
			excess:      []string{"pole_emploi_paiements", "cnaf_enfants", "pole_emploi_contact"},
			recipients:  []string{"Agents des agences commerciales du réseau", "Agents du délégataire du réseau de transport chargés des abonnements"},
			controllers: []string{"Directeur des mobilités", "Responsable de la tarification et de la billettique"},
		},
		{
			definition: def, weight: 25, kinds: []orgKind{kindCommune}, subject: "redevance de stationnement et tarif résident",
			titles: []string{"Abonnement au stationnement résidentiel", "Tarification du stationnement résidentiel", "Carte de stationnement résident"},
			summaries: []string{
				"Les résidents {de ville} peuvent souscrire un abonnement de stationnement à tarif préférentiel dans leur zone. Le service vérifie aujourd'hui la carte grise et un justificatif de domicile ; l'API permettra de contrôler que le véhicule est rattaché au demandeur, identifié par FranceConnect.",
			},
			details:     []string{"La ville compte environ {n} abonnements résidents ; le renouvellement annuel se fera entièrement en ligne."},
			bases:       []basis{{natureParking, urlCGCT, true}},
			scopeSets:   [][]string{{"ants_extrait_immatriculation_vehicule_identite_particulier", "ants_extrait_immatriculation_vehicule_adresse_particulier", "ants_extrait_immatriculation_vehicule_statut_rattachement", "ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule", "ants_extrait_immatriculation_vehicule_caracteristiques_techniques_vehicule"}, {"ants_extrait_immatriculation_vehicule_identite_particulier", "ants_extrait_immatriculation_vehicule_statut_rattachement", "ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule"}},
			optional:    []string{"family_name", "given_name", "birthdate", "openid"},
			excess:      []string{"cnaf_adresse", "pole_emploi_adresse"},
			recipients:  []string{"Agents du service stationnement", "Agents de la régie de stationnement"},
			controllers: []string{"Responsable du service stationnement", "Directeur de la voirie et des déplacements"},
		},
		{
			definition: def, weight: 25, kinds: []orgKind{kindDepartement, kindRegion}, subject: "tarifs de restauration des collèges",
			titles: []string{"Tarification de la restauration des collèges", "Aide à la restauration scolaire des lycéens", "Cantine des collèges : tarif selon le quotient familial"},
			summaries: []string{
				"La collectivité fixe les tarifs de restauration des établissements publics dont elle a la charge selon le quotient familial. Les familles déposent leur demande sur le portail des collèges et lycées ; l'API évite de leur réclamer l'attestation CAF.",
			},
			details:    []string{"Environ {n} élèves bénéficient d'un tarif réduit ; la grille est votée chaque année par l'assemblée."},
			bases:      []basis{{natureCantine, urlEducation, true}},
			scopeSets:  [][]string{{"cnaf_quotient_familial"}, {"cnaf_quotient_familial", "men_statut_boursier", "men_echelon_bourse"}},
			optional:   []string{"men_regime_pensionnat"},
			excess:     []string{"cnaf_enfants", "cnaf_adresse"},
			recipients: []string{"Gestionnaires des services de restauration des établissements", "Agents de la direction de l'éducation"},
		},
		{
			definition: def, weight: 15, kinds: []orgKind{kindMinistry}, subject: "recrutement des apprentis",
			titles: []string{"Recrutement des apprentis : vérification du statut étudiant", "Gestion RH du secteur public"},
			summaries: []string{
				"Le ministère recrute chaque année environ {n} apprentis et stagiaires. L'API permettra au service des ressources humaines de vérifier l'inscription dans l'enseignement supérieur sans demander de certificat de scolarité.",
			},
			bases:       []basis{{natureCRPA, urlCRPAL1148, false}},
			scopeSets:   [][]string{{"mesri_identite", "mesri_admissions", "mesri_admission_inscrit"}, {"mesri_identite", "mesri_admissions", "mesri_admission_inscrit", "mesri_admission_regime_formation", "mesri_admission_etablissement_etudes"}},
			excess:      []string{"cnous_statut_boursier", "cnous_email"},
			recipients:  []string{"Gestionnaires RH du bureau du recrutement"},
			controllers: []string{"Chef du bureau du recrutement", "Sous-directeur des ressources humaines"},
		},
	}
}

func entrepriseUseCases() []useCase {
	const def = "api_entreprise"
	public := []orgKind{kindCommune, kindDepartement, kindRegion, kindMinistry, kindEPCI, kindHospital}
	return []useCase{
		{
			definition: def, weight: 90, kinds: public,
			titles: []string{"Candidatures aux marchés publics : récupération des pièces administratives", "Contrôle de la régularité fiscale et sociale des attributaires",
				"Dématérialisation des marchés publics", "Plateforme achats : dossier de candidature simplifié"},
			summaries: []string{
				"Le service de la commande publique {de org} passe chaque année environ {n} consultations. Les attestations fiscales et sociales des candidats retenus sont aujourd'hui réclamées par courriel puis vérifiées à la main ; l'API permettra de les récupérer au moment de l'attribution puis tous les six mois pendant l'exécution du marché.",
				"Nous appliquons le principe « Dites-le-nous une fois » aux candidatures de nos marchés : les entreprises ne fournissent plus leur extrait d'immatriculation ni leurs attestations de régularité fiscale et sociale, que nos acheteurs récupèrent par l'API.",
			},
			details: []string{
				"Les documents récupérés sont versés au dossier du marché dans le profil d'acheteur et archivés avec lui.",
				"Seuls les agents habilités du service achats accèdent aux données protégées ; chaque consultation est tracée.",
			},
			bases: []basis{{"Article R2143-13 du code de la commande publique ; " + natureDecret, urlCCPR214313, false}, {natureDecret + " ; article R2143-13 du code de la commande publique", urlDecret201931, false}},
			scopeSets: [][]string{
				{"unites_legales_etablissements_insee", "associations_djepva", "chiffre_affaires_dgfip", "attestation_fiscale_dgfip", "attestation_sociale_urssaf", "cotisations_msa"},
				{"unites_legales_etablissements_insee", "attestation_fiscale_dgfip", "attestation_sociale_urssaf"},
				{"unites_legales_etablissements_insee", "attestation_fiscale_dgfip", "attestation_sociale_urssaf", "cotisations_probtp", "attestation_cotisations_conges_payes_chomage_intemperies_cibtp_cnetp"},
			},
			optional:    []string{"effectifs_urssaf", "mandataires_sociaux_infogreffe"},
			excess:      []string{"liasses_fiscales_dgfip", "bilans_bdf", "liens_capitalistiques_dgfip", "beneficiaires_effectifs_inpi"},
			recipients:  []string{"Acheteurs et juristes du service de la commande publique", "Agents de la direction des achats"},
			controllers: []string{"Directeur de la commande publique", "Responsable du service des marchés publics", "Directeur des affaires juridiques et des achats"},
		},
		{
			definition: def, weight: 45, kinds: []orgKind{kindRegion, kindDepartement, kindEPCI}, subject: "règlement d'intervention des aides aux entreprises",
			titles: []string{"Instruction des aides aux entreprises", "Portail des aides économiques", "Aide à l'investissement des TPE"},
			summaries: []string{
				"{Org} instruit les demandes d'aides économiques des entreprises de son territoire (aide à l'investissement, aide au recrutement). L'identification, les effectifs et la régularité fiscale et sociale des demandeurs seront récupérés par l'API au lieu d'être joints au dossier.",
			},
			details:     []string{"Environ {n} dossiers sont déposés chaque année ; l'instruction porte sur la situation financière de l'entreprise et sur sa régularité."},
			bases:       []basis{{natureDecret + " ; délibération créant le dispositif d'aide", urlDecret201931, true}},
			scopeSets:   [][]string{{"unites_legales_etablissements_insee", "associations_djepva", "mandataires_sociaux_infogreffe", "chiffre_affaires_dgfip", "liasses_fiscales_dgfip", "attestation_fiscale_dgfip", "attestation_sociale_urssaf"}, {"unites_legales_etablissements_insee", "effectifs_urssaf", "attestation_fiscale_dgfip", "attestation_sociale_urssaf"}},
			optional:    []string{"liens_capitalistiques_dgfip", "bilans_bdf"},
			excess:      []string{"beneficiaires_effectifs_inpi", "cotisations_probtp"},
			recipients:  []string{"Chargés d'instruction de la direction du développement économique"},
			controllers: []string{"Directeur du développement économique", "Directeur de l'attractivité et de l'économie"},
		},
		{
			definition: def, weight: 40, kinds: []orgKind{kindCommune, kindDepartement, kindRegion}, subject: "règlement d'attribution des subventions aux associations",
			titles: []string{"Subventions aux associations", "Instruction des demandes de subvention des associations", "Portail des subventions associatives"},
			summaries: []string{
				"{Org} verse chaque année des subventions à environ {n} associations. Le service vie associative récupérera par l'API les données du répertoire national des associations et les documents déjà déposés, au lieu de les redemander à chaque campagne.",
			},
			details:     []string{"La campagne de subventions ouvre en janvier ; les dossiers sont instruits par le service puis votés en conseil."},
			bases:       []basis{{natureCRPA + " ; délibération fixant le règlement d'attribution des subventions", urlCRPAL1148, true}},
			scopeSets:   [][]string{{"unites_legales_etablissements_insee", "associations_djepva", "data_subvention_subventions"}, {"unites_legales_etablissements_insee", "associations_djepva", "data_subvention_subventions", "attestation_fiscale_dgfip", "attestation_sociale_urssaf"}},
			excess:      []string{"chiffre_affaires_dgfip", "liasses_fiscales_dgfip"},
			recipients:  []string{"Agents du service vie associative"},
			controllers: []string{"Responsable du service vie associative", "Directeur de la vie associative et des sports"},
		},
		{
			definition: def, weight: 30, kinds: []orgKind{kindCommune, kindDepartement, kindMinistry, kindEPCI},
			titles: []string{"Pré-remplissage des démarches des entreprises", "Fiabilisation du référentiel des tiers", "Socle de base – Dites-le-nous une fois"},
			summaries: []string{
				"Notre logiciel financier contient plusieurs milliers de fiches tiers dont les adresses et raisons sociales sont souvent obsolètes. Les données Sirene permettront de les mettre à jour automatiquement et de pré-remplir les formulaires de nos téléservices.",
				"Le portail de gestion de la relation usagers {de org} pré-remplira l'identité des entreprises et des associations à partir de leur SIRET.",
			},
			bases:      []basis{{natureCRPA, urlCRPAL1148, false}, {"Article 1er de la loi n° 2016-1321 du 7 octobre 2016 pour une République numérique", urlRepNumerique, false}},
			scopeSets:  [][]string{{"unites_legales_etablissements_insee"}, {"unites_legales_etablissements_insee", "associations_djepva"}, {"unites_legales_etablissements_insee", "associations_djepva", "data_subvention_subventions"}},
			excess:     []string{"attestation_fiscale_dgfip", "effectifs_urssaf"},
			recipients: []string{"Agents de la direction des finances", "Agents du service relation usagers"},
		},
		{
			definition: def, weight: 15, kinds: []orgKind{kindVendor},
			titles: []string{"Outil de contrôle de conformité des titulaires de marchés", "Service d'attestations de vigilance pour les acheteurs publics"},
			summaries: []string{
				"{Org} édite une solution utilisée par des acheteurs publics pour collecter les pièces de conformité des titulaires de leurs marchés (obligation de vigilance). L'API remplacera le dépôt manuel des attestations par les entreprises.",
			},
			details:    []string{"La solution est utilisée par environ {n} acheteurs publics ; chacun n'accède qu'aux entreprises titulaires de ses marchés."},
			bases:      []basis{{"Obligation de vigilance prévue par l'article D8222 du code du travail ; " + natureDecret, urlVigilance, false}},
			scopeSets:  [][]string{{"unites_legales_etablissements_insee", "effectifs_urssaf", "attestation_fiscale_dgfip", "attestation_sociale_urssaf", "cotisations_msa", "cotisations_probtp", "attestation_cotisations_conges_payes_chomage_intemperies_cibtp_cnetp"}},
			excess:     []string{"bilans_bdf", "beneficiaires_effectifs_inpi"},
			recipients: []string{"Acheteurs publics clients de la solution"},
		},
	}
}

// impotUseCase builds one of the "Dites-le-nous une fois" use cases of
// API Impôt Particulier, which share their legal basis and scopes.
func impotUseCase(weight int, kinds []orgKind, subject, title, summary, recipient string) useCase {
	return useCase{
		definition: "api_impot_particulier", weight: weight, kinds: kinds, subject: subject,
		titles:    []string{"Dites-le-nous une fois – " + title, title},
		summaries: []string{summary},
		details: []string{
			"Le revenu fiscal de référence et le nombre de parts sont récupérés à la demande de l'usager, pour la seule année utile au calcul ; ils ne sont pas stockés au-delà de la décision.",
			"Le téléservice a fait l'objet d'une homologation de sécurité ; la recette a été menée avec l'environnement bac à sable de la DGFiP.",
		},
		bases: []basis{{natureImpot, urlCRPAL1148, true}},
		scopeSets: [][]string{
			{"dgfip_annee_n_moins_1", "dgfip_rfr", "dgfip_nbpart"},
			{"dgfip_annee_n_moins_2_si_indispo_n_moins_1", "dgfip_rfr", "dgfip_nbpart", "dgfip_sitfam", "dgfip_pac_nbPac"},
			{"dgfip_annee_n_moins_1", "dgfip_rfr", "dgfip_nbpart", "dgfip_aft", "dgfip_nmUsaDec1", "dgfip_prnmDec1", "dgfip_dateNaisDec1"},
		},
		optional:   []string{"dgfip_pariso"},
		excess:     []string{"dgfip_rbg", "dgfip_indiIFI", "dgfip_annee_n_moins_3", "dgfip_mntRevbareme"},
		recipients: []string{recipient},
	}
}

func impotUseCases() []useCase {
	commune := []orgKind{kindCommune}
	return []useCase{
		impotUseCase(30, commune, "tarifs de la restauration scolaire", "Cantine scolaire",
			"La commune {de ville} simplifie l'inscription à la cantine scolaire : le tarif applicable est déterminé à partir des données fiscales transmises par la DGFiP, sans demander l'avis d'imposition aux familles.",
			"Agents instructeurs des demandes de souscription à la cantine scolaire"),
		impotUseCase(25, []orgKind{kindCommune, kindEPCI}, "participations familiales en crèche", "Place en crèche",
			"Les demandes de place en crèche {de ville} seront simplifiées : les ressources du foyer seront récupérées auprès de la DGFiP au moment de la demande, pour environ {n} familles par an.",
			"Agents instructeurs des demandes de place en crèche"),
		impotUseCase(25, commune, "tarifs des activités périscolaires", "Activités périscolaires et assimilés",
			"La souscription aux activités périscolaires {de ville} s'appuiera sur les données fiscales fournies par la DGFiP pour déterminer les tarifs applicables.",
			"Agents instructeurs des demandes de souscription aux activités périscolaires"),
		impotUseCase(15, commune, "tarif résident du stationnement", "Stationnement résidentiel",
			"Les demandes de carte de stationnement résidentiel {de ville} seront simplifiées grâce à l'adresse et aux données fiscales transmises par la DGFiP.",
			"Agents instructeurs des demandes de carte de stationnement résidentiel"),
		impotUseCase(20, []orgKind{kindCCAS, kindCommune}, "règlement des aides sociales facultatives", "Aides sociales facultatives",
			"Les demandes d'aides sociales facultatives seront instruites à partir des données fiscales fournies par la DGFiP, qui déterminent l'éligibilité et le montant de l'aide.",
			"Agents instructeurs des demandes d'aides sociales facultatives"),
		impotUseCase(15, []orgKind{kindEPCI}, "tarification solidaire des transports", "Carte de transport",
			"La souscription à la carte de transport à tarif solidaire {de org} s'appuiera sur les données fiscales transmises par la DGFiP pour déterminer le tarif applicable.",
			"Agents instructeurs des demandes de carte de transport"),
	}
}

func identityUseCases() []useCase {
	const def = "france_connect"
	return []useCase{
		{
			definition: def, weight: 70, kinds: []orgKind{kindCommune, kindDepartement, kindRegion, kindEPCI, kindMinistry},
			titles: []string{"Connexion FranceConnect au portail citoyen", "Espace famille : connexion avec FranceConnect",
				"Téléservice des aides départementales", "Portail des démarches en ligne"},
			summaries: []string{
				"{Org} propose un portail de démarches en ligne (inscriptions scolaires, demandes d'actes, paiement des factures). Le bouton FranceConnect permettra aux usagers de se connecter sans créer de compte supplémentaire et de pré-remplir leur identité.",
				"Environ {n} comptes usagers sont actifs sur notre téléservice. FranceConnect remplacera la création de compte et la vérification d'identité par pièce jointe.",
			},
			details:     []string{"Le parcours sans FranceConnect reste proposé aux usagers qui n'ont pas de compte chez un fournisseur d'identité."},
			bases:       []basis{{natureArreteFC, urlArreteFC, false}},
			scopeSets:   [][]string{{"family_name", "given_name", "birthdate", "openid"}, {"family_name", "given_name", "birthdate", "email", "openid"}, {"family_name", "given_name", "birthdate", "birthplace", "birthcountry", "gender", "openid"}},
			optional:    []string{"email"},
			excess:      []string{"preferred_username", "birthplace", "birthcountry", "gender"},
			recipients:  []string{"Agents instructeurs des démarches en ligne"},
			controllers: []string{"Directeur de la relation usagers", "Responsable de la transformation numérique"},
		},
		{
			definition: def, weight: 20, kinds: []orgKind{kindCommune, kindEPCI},
			titles: []string{"Dépôt des demandes d'autorisation d'urbanisme en ligne", "Guichet numérique des autorisations d'urbanisme"},
			summaries: []string{
				"Depuis la dématérialisation des autorisations d'urbanisme, les pétitionnaires {de ville} déposent leurs demandes en ligne. FranceConnect leur permettra de s'identifier sur le guichet numérique.",
			},
			bases:       []basis{{natureArreteFC + " ; code de l'urbanisme (saisine par voie électronique)", urlArreteFC, false}, {"Code de l'urbanisme ; " + natureArreteFC, urlUrbanisme, false}},
			scopeSets:   [][]string{{"family_name", "given_name", "email", "openid"}},
			excess:      []string{"birthdate", "gender"},
			recipients:  []string{"Instructeurs du service urbanisme"},
			controllers: []string{"Responsable du service urbanisme", "Directeur de l'aménagement et de l'urbanisme"},
		},
		{
			definition: def, weight: 30, kinds: []orgKind{kindHospital, kindVendor},
			titles: []string{"Portail patient : pré-admission en ligne", "Identification des patients pour la téléconsultation"},
			summaries: []string{
				"{Org} propose aux patients une pré-admission en ligne avant leur hospitalisation. FranceConnect fiabilisera leur identité, qui doit correspondre à l'identité nationale de santé.",
			},
			bases:      []basis{{"Arrêté du 28 mars 2022 (services numériques en santé)", urlArreteFCSante, false}},
			scopeSets:  [][]string{{"family_name", "given_name", "birthdate", "birthplace", "birthcountry", "gender", "openid"}},
			optional:   []string{"email"},
			excess:     []string{"preferred_username"},
			recipients: []string{"Agents du bureau des admissions"},
		},
		{
			definition: "pro_connect_service_provider", weight: 30, kinds: []orgKind{kindMinistry, kindRegion, kindDepartement, kindVendor},
			titles: []string{"Connexion des agents à l'intranet RH", "Outil de gestion des subventions : connexion des instructeurs", "Portail partenaires : authentification des agents"},
			summaries: []string{
				"{Org} met à la disposition de ses agents et de ceux de ses partenaires un outil métier en ligne. ProConnect remplacera les comptes locaux et les mots de passe dédiés.",
			},
			bases:      []basis{{"Décision n° DINUM-202106-01 du 1er juin 2021", urlDecisionDINUM, false}},
			scopeSets:  [][]string{{"openid", "usual_name", "given_name", "email"}, {"openid", "usual_name", "given_name", "email", "siret"}},
			excess:     []string{"siret"},
			recipients: []string{"Administrateurs fonctionnels de l'application"},
		},
	}
}

func otherUseCases() []useCase {
	cnamBasis := basis{natureCRPA + " ; code de la sécurité sociale (vérification des droits pour le tiers payant)", urlSecuSociale, false}
	return []useCase{
		{
			definition: "api_droits_cnam", weight: 35, kinds: []orgKind{kindHospital},
			titles: []string{"Vérification des droits des patients à l'admission", "Facturation des soins : droits à l'Assurance Maladie"},
			summaries: []string{
				"Le bureau des admissions {de org} vérifie les droits à l'Assurance Maladie de près de {n} patients par mois. Après identification du patient par FranceConnect sur le portail de pré-admission, l'API fournira ses droits de base et sa caisse gestionnaire.",
			},
			bases:      []basis{cnamBasis},
			scopeSets:  [][]string{{"cnam_beneficiaires", "cnam_caisse", "cnam_contrats", "cnam_exonerations", "cnam_medecin_traitant"}},
			recipients: []string{"Agents du bureau des admissions et de la facturation"},
		},
		{
			definition: "api_droits_cnam", weight: 15, kinds: []orgKind{kindMutual},
			titles: []string{"Tiers payant : vérification des droits des adhérents"},
			summaries: []string{
				"{Org} vérifie les droits de base de ses adhérents pour la mise en place du tiers payant. L'adhérent s'identifie par FranceConnect dans son espace en ligne.",
			},
			bases:      []basis{{"Code de la sécurité sociale – tiers payant ; convention de tiers payant avec l'Assurance Maladie", urlSecuSociale, true}},
			scopeSets:  [][]string{{"cnam_beneficiaires", "cnam_caisse", "cnam_contrats", "cnam_presence_medecin_traitant"}},
			excess:     []string{"cnam_medecin_traitant", "cnam_exonerations"},
			recipients: []string{"Gestionnaires du service prestations"},
		},
		{
			definition: "api_indemnites_journalieres_cnam", weight: 20, kinds: []orgKind{kindDepartement, kindCCAS},
			titles: []string{"Instruction du RSA : ressources issues des indemnités journalières", "Calcul des ressources pour les aides facultatives"},
			summaries: []string{
				"Les ressources prises en compte pour l'instruction comprennent les indemnités journalières versées par l'Assurance Maladie. L'API évitera de demander les relevés de paiement aux usagers, qui s'identifient par FranceConnect.",
			},
			bases:      []basis{{natureCRPA + " ; code de l'action sociale et des familles (prise en compte des ressources)", urlCASF, true}},
			scopeSets:  [][]string{{"cnam_PaiementIndemnitesJournalieres"}},
			recipients: []string{"Agents instructeurs du service insertion"},
		},
		{
			definition: "api_scolarite", weight: 15, kinds: []orgKind{kindDepartement}, subject: "aide départementale à la restauration des collégiens",
			titles: []string{"Aide départementale à la restauration des collégiens boursiers"},
			summaries: []string{
				"Le département accorde une aide à la restauration aux collégiens boursiers, modulée selon l'échelon de la bourse. L'API remplacera la transmission des listes d'élèves boursiers par les établissements.",
			},
			bases:      []basis{{"Article R531-52 du code de l'éducation ; délibération de la commission permanente fixant l'aide à la restauration", urlEducation, true}},
			scopeSets:  [][]string{{"men_statut_scolarite", "men_statut_boursier", "men_echelon_bourse"}},
			recipients: []string{"Agents de la direction de l'éducation et des collèges"},
		},
		{
			definition: "api_scolarite", weight: 10, kinds: []orgKind{kindRegion},
			titles: []string{"Transport scolaire : vérification de la scolarisation des élèves"},
			summaries: []string{
				"La région organise le transport scolaire de {n} élèves. L'inscription en ligne vérifiera la scolarisation de l'élève dans l'établissement desservi, sans certificat de scolarité.",
			},
			bases:      []basis{{"Article L3111-7 du code des transports ; article L214-18 du code de l'éducation", urlTransports, false}},
			scopeSets:  [][]string{{"men_statut_scolarite"}},
			excess:     []string{"men_echelon_bourse"},
			recipients: []string{"Agents du service des transports scolaires"},
		},
		{
			definition: "api_scolarite", weight: 15, kinds: []orgKind{kindCommune}, subject: "tarifs de la restauration scolaire",
			titles: []string{"Tarif de la restauration scolaire selon le statut boursier"},
			summaries: []string{
				"La commune {de ville} applique un tarif réduit de restauration aux élèves boursiers scolarisés dans ses écoles et au collège voisin.",
			},
			bases:      []basis{{natureCantine, urlEducation, true}},
			scopeSets:  [][]string{{"men_statut_scolarite", "men_statut_boursier"}},
			excess:     []string{"men_echelon_bourse"},
			recipients: []string{"Agents du service éducation"},
		},
		{
			definition: "hubee_dila", weight: 40, kinds: []orgKind{kindCommune},
			titles: []string{"Abonnement aux démarches en ligne de service-public.fr", "Réception des demandes d'actes d'état civil en ligne", "Recensement citoyen en ligne"},
			summaries: []string{
				"La commune {de ville} souhaite recevoir dans le portail HubEE les demandes déposées en ligne par ses administrés sur service-public.fr, au lieu de les ressaisir depuis des courriels.",
			},
			bases:       []basis{{"Article L112-8 du code des relations entre le public et l'administration (saisine par voie électronique)", urlCRPA, false}},
			scopeSets:   [][]string{{"etat_civil", "recensement_citoyen"}, {"etat_civil", "depot_dossier_pacs", "recensement_citoyen", "je_change_de_coordonnees"}, {"etat_civil"}, {"etat_civil", "depot_dossier_mariage"}},
			recipients:  []string{"Agents du service état civil et citoyenneté"},
			controllers: []string{"Responsable du service état civil", "Directeur de la citoyenneté et de l'état civil"},
		},
	}
}
