package demo

// texts holds the French sentences of the demo: the generic paragraphs of
// long descriptions, volumetry, retention justifications and the comments
// of reviewers. It is built once per Generator and never changes.
type texts struct {
	paragraphs     []string
	volumetry      []string
	justifications []string
	shortApprovals []string
	refusals       []string
	revocations    []string
	notes          []string
	// acknowledgements follow a submission, reminders a request for
	// changes.
	acknowledgements []string
	reminders        []string
	// answers are the applicants' messages after a request for changes.
	answers       []string
	closings      []string
	unknownScopes map[string][]string
}

func newTexts() texts {
	return texts{
		paragraphs: []string{
			"Les données sont consultées par des agents habilités, identifiés nominativement ; chaque consultation est tracée et les traces sont conservées 36 mois.",
			"Une mention d'information sur la récupération des données auprès d'autres administrations figure sur le formulaire en ligne et dans le règlement du service.",
			"Le traitement est inscrit au registre des activités de traitement ; notre délégué à la protection des données a été associé à la rédaction de cette demande.",
			"La mise en production est prévue après une phase de tests en recette, sur un échantillon de dossiers anonymisés.",
			"L'hébergement est assuré en France par un prestataire qualifié ; les échanges avec l'API sont chiffrés et le jeton est conservé dans un coffre-fort de secrets.",
			"À terme, le service devrait traiter environ {n} dossiers par an, avec un pic d'activité à la rentrée de septembre.",
		},
		volumetry: []string{
			"Environ {n} appels par mois", "{n} appels par an, concentrés sur septembre et octobre",
			"Jusqu'à {n} appels par jour en période d'inscription", "Moins de {n} appels par mois",
		},
		justifications: []string{
			"Les données justifient des tarifs facturés sur plusieurs années ; elles sont conservées jusqu'à l'expiration du délai de contestation des titres de recettes et du contrôle du comptable public.",
			"Durée alignée sur celle de l'exécution du marché (quatre ans), augmentée d'un an pour les contrôles de fin de marché.",
			"Les aides sont pluriannuelles (cinq ans) et peuvent donner lieu à un contrôle du service fait et à un reversement pendant toute leur durée.",
			"Conservation demandée par la chambre régionale des comptes pour le contrôle des régies de recettes.",
		},
		shortApprovals: []string{
			"Dossier complet : le cadre juridique et les données demandées correspondent au cas d'usage.",
			"Validé après vérification du cadre juridique et des données demandées.",
			"Habilitation accordée. Merci pour les précisions apportées.",
		},
		refusals: []string{
			"Le cadre juridique cité ne permet pas d'accéder aux données demandées pour la démarche décrite. La demande est refusée ; une nouvelle demande peut être déposée avec le texte qui fonde la démarche.",
			"L'organisation ne relève pas du périmètre des bénéficiaires de cette API. La demande est refusée.",
		},
		revocations: []string{
			"Habilitation révoquée à la demande de la collectivité : le téléservice a été remplacé par une nouvelle solution, qui fera l'objet d'une nouvelle demande.",
			"Habilitation révoquée : le contrôle a montré un usage des données au-delà de la finalité déclarée.",
			"Habilitation révoquée : le jeton n'a pas été utilisé depuis plus d'un an et le contact technique n'est plus joignable.",
		},
		notes: []string{
			"SIRET vérifié sur l'annuaire des entreprises : l'établissement est actif et correspond à l'organisation déclarée.",
			"Cadre juridique vérifié : les textes cités couvrent bien les données demandées.",
			"Appel du contact technique : la mise en production dépend de la mise à jour de leur logiciel par l'éditeur.",
			"Avis demandé au pôle juridique sur le périmètre des données avant décision.",
			"Demande similaire déjà validée pour une autre organisation, avec le même cas d'usage et le même cadre juridique.",
		},
		acknowledgements: []string{
			"Nous avons bien reçu votre demande ; elle sera instruite dans les meilleurs délais.",
			"Pouvez-vous nous confirmer la date de mise en production envisagée ?",
			"Merci de vérifier que votre délégué à la protection des données a bien été informé de la demande.",
		},
		reminders: []string{
			"Pour rappel, la demande reste en attente de vos modifications ; sans retour de votre part sous un mois, elle sera archivée.",
			"Nous restons à votre disposition pour toute question sur les modifications demandées.",
		},
		answers: []string{
			"Bonjour, la délibération du conseil municipal sera votée à la prochaine séance ; nous la joindrons dès sa publication.",
			"Merci pour votre retour. Notre délégué à la protection des données relit la durée de conservation, nous revenons vers vous cette semaine.",
			"Bonjour, pouvez-vous nous préciser quel article du code fonde le mieux notre démarche ? Nous corrigerons le dossier en conséquence.",
		},
		closings: []string{"Cordialement,", "Bien cordialement,", "Avec nos remerciements,"},
		unknownScopes: map[string][]string{
			"api_particulier":                  {"dgfip_avis_imposition", "cnaf_composition_familiale", "pole_emploi_statut"},
			"api_entreprise":                   {"extrait_kbis_infogreffe", "bilans_entreprise_bdf", "attestation_fiscale_dgfip_v2"},
			"api_impot_particulier":            {"dgfip_revenu_imposable", "dgfip_avis_imposition"},
			"france_connect":                   {"phone", "address"},
			"api_droits_cnam":                  {"cnam_ald", "cnam_droits_complementaires"},
			"api_indemnites_journalieres_cnam": {"cnam_arret_travail"},
			"api_scolarite":                    {"men_statut_demi_pension"},
			"hubee_dila":                       {"inscription_listes_electorales"},
			"pro_connect_service_provider":     {"phone", "organizational_unit"},
		},
	}
}
